using System.Diagnostics;

namespace MikuCloud.Bench.Routing;

/// <summary>
/// Builds one simulated cluster (replicas, the Service, API processes with their policies, users), runs it in
/// virtual time, and hands back what it recorded.
/// </summary>
public static class ClusterSimulation
{
    public static SimulationRun Run(ClusterScenario scenario, PolicyChoice choice)
    {
        var started = Stopwatch.GetTimestamp();
        scenario = choice.Adjust(scenario);
        var loop = new SimulationLoop();
        var service = new ServiceEndpoints(scenario.Replicas, loop);
        var cluster = new ClusterContext(scenario, loop, new SimulatedTime(loop), service);
        var replicas = Enumerable.Range(0, scenario.Replicas).Select(i => new SimulatedReplica(i, scenario.Serving, loop)).ToList();
        var policyFor = choice.ForRun(cluster);
        // A slot freed anywhere may unblock a turn waiting in any process (their routers may share slot counts).
        var waiting = new WaitingTurns();
        var api = Enumerable.Range(0, scenario.ApiProcesses)
            .Select(p => new SimulatedApiProcess(p, policyFor(p), replicas, scenario.Serving, loop, waiting))
            .ToList();
        foreach (var process in api)
        {
            process.StartProbes(api.Count);
        }

        var turns = new List<SimulatedTurn>();
        for (var user = 0; user < scenario.Workload.Users; user++)
        {
            new SimulatedUser(user, scenario.Seed, cluster, api, turns.Add).Start();
        }

        var samples = new List<BusySample>();
        void Sample()
        {
            samples.Add(new BusySample(loop.Now, [.. replicas.Select(r => r.BusySlotSeconds)]));
            loop.After(scenario.SampleEverySeconds, Sample);
        }

        loop.At(0, Sample);
        SimulatedReplica? victim = null;
        if (scenario.KillAtSeconds is { } killAt)
        {
            loop.At(killAt, () =>
            {
                victim = replicas.OrderByDescending(r => r.InFlight).ThenBy(r => r.Index).First();
                victim.Kill();
                service.Died(victim.Index, scenario.Serving.RestartSeconds);
            });
        }

        loop.RunUntil(scenario.DurationSeconds);
        return new SimulationRun(choice.Name, scenario, turns, samples, victim?.Index, victim?.RestartedAt, victim?.FirstTurnAfterRestartAt,
            loop.EventsRun, Clock.MsSince(started));
    }
}
