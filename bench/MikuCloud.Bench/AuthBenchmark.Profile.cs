namespace MikuCloud.Bench;

/// <summary>Where the accounts API's extra allocations per call go (run last: the sampler stays attached afterwards).</summary>
public sealed partial class AuthBenchmark
{
    /// <summary>Allocated bytes per request by type, sampled inside the API (every ~100 KB, so small types are approximate).</summary>
    private sealed record AllocationCompare(string Call, int Requests, List<(string Type, double Baseline, double Authenticated)> Rows);

    private async Task<AllocationCompare?> ProfileAllocationsAsync(List<Variant> variants, CancellationToken cancellationToken)
    {
        if (options.Scale == BenchScale.Smoke)
        {
            return null;
        }

        var endpoint = Endpoints[0];
        var requests = RequestPlan().PerPhase * 2;
        var perType = new List<Dictionary<string, double>>();
        foreach (var variant in new[] { variants.First(v => v.Key == "single"), variants.First(v => v.Key == "key") })
        {
            await variant.Host.Api.BeginAllocationProfileAsync(cancellationToken);
            await RunRequestsAsync(variant, endpoint, requests, cancellationToken);
            var samples = await variant.Host.Api.EndAllocationProfileAsync(cancellationToken);
            perType.Add(samples.ToDictionary(s => s.Type, s => (double)s.Bytes / requests));
        }

        var rows = perType[0].Keys.Union(perType[1].Keys)
            .Select(type => (type, perType[0].GetValueOrDefault(type), perType[1].GetValueOrDefault(type)))
            .OrderByDescending(r => r.Item3 - r.Item2)
            .Take(12)
            .ToList();
        return new AllocationCompare(endpoint.Label, requests, rows);
    }

    private static void WriteAllocations(Section section, AllocationCompare? profile)
    {
        if (profile is null)
        {
            return;
        }

        section.Line($"**Where an API key's extra allocations go** ({profile.Call}, {profile.Requests:N0} requests each, sampled by the runtime every ~100 KB")
            .Line("inside the API, so small entries are approximate; the types that grew most):")
            .Line();
        section.Table(["type", "single-user, per request", "API key, per request", "added"],
            profile.Rows.Select(r => (IReadOnlyList<string>)
                [$"`{r.Type}`", Fmt.Bytes(r.Baseline), Fmt.Bytes(r.Authenticated), "+" + Fmt.Bytes(Math.Max(0, r.Authenticated - r.Baseline))]));
    }
}
