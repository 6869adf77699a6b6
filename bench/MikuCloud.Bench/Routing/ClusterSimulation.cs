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
        var loop = new SimulationLoop();
        var service = new ServiceEndpoints(scenario.Replicas, loop);
        var cluster = new ClusterContext(scenario, loop, new SimulatedTime(loop), service);
        var replicas = Enumerable.Range(0, scenario.Replicas).Select(i => new SimulatedReplica(i, scenario.Serving, loop)).ToList();
        var shared = choice.Shared ? choice.Create(cluster, 0) : null;
        var api = Enumerable.Range(0, scenario.ApiProcesses)
            .Select(p => new SimulatedApiProcess(p, shared ?? choice.Create(cluster, p), replicas, scenario.Serving, loop))
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

        var busyAtWarmup = new double[replicas.Count];
        var busyAtSteadyEnd = new double[replicas.Count];
        loop.At(scenario.WarmupSeconds, () => Snapshot(replicas, busyAtWarmup));
        loop.At(scenario.SteadyEndSeconds, () => Snapshot(replicas, busyAtSteadyEnd));
        if (scenario.KillAtSeconds is { } killAt)
        {
            var victim = replicas[scenario.KilledReplica];
            loop.At(killAt, () =>
            {
                victim.Kill();
                service.Died(victim.Index, scenario.Serving.RestartSeconds);
            });
        }

        loop.RunUntil(scenario.DurationSeconds);
        var killed = scenario.KillAtSeconds is null ? null : replicas[scenario.KilledReplica];
        return new SimulationRun(choice.Name, scenario, turns, busyAtWarmup, busyAtSteadyEnd, killed?.RestartedAt,
            killed?.FirstTurnAfterRestartAt, loop.EventsRun, Clock.MsSince(started));
    }

    private static void Snapshot(List<SimulatedReplica> replicas, double[] into)
    {
        for (var i = 0; i < replicas.Count; i++)
        {
            into[i] = replicas[i].BusySlotSeconds;
        }
    }
}
