using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace MikuCloud.Bench;

/// <summary>Sampled allocations by type: the runtime's AllocationTick event fires about every 100 KB allocated.</summary>
public sealed record AllocationSample(string Type, long Bytes, double Share);

/// <summary>
/// An in-process allocation sampler (the runtime's <c>GCAllocationTick</c> events, the same data dotnet-trace's
/// allocation view uses), switched on around one phase inside the API process.
/// </summary>
public sealed class AllocationProfile : EventListener
{
    private static AllocationProfile? current;
    private readonly ConcurrentDictionary<string, long> bytesByType = new(StringComparer.Ordinal);
    private volatile bool recording;

    public static void Begin()
    {
        current ??= new AllocationProfile();
        current.bytesByType.Clear();
        current.recording = true;
    }

    public static List<AllocationSample> End(int top)
    {
        if (current is null)
        {
            return [];
        }

        current.recording = false;
        var total = Math.Max(1, current.bytesByType.Values.Sum());
        return current.bytesByType.OrderByDescending(kv => kv.Value).Take(top)
            .Select(kv => new AllocationSample(kv.Key, kv.Value, (double)kv.Value / total)).ToList();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick at Verbose
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var index = eventData.PayloadNames?.IndexOf("TypeName") ?? -1;
        var amountIndex = eventData.PayloadNames?.IndexOf("AllocationAmount64") ?? -1;
        var type = index >= 0 ? eventData.Payload[index] as string ?? "?" : "?";
        if (type.Contains("EventWrittenEventArgs", StringComparison.Ordinal) || type == "MoreEventInfo" || type.Contains("EventPayload", StringComparison.Ordinal))
        {
            return; // this listener's own allocations
        }

        var amount = amountIndex >= 0 && eventData.Payload[amountIndex] is ulong a ? (long)a : 100_000;
        bytesByType.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
