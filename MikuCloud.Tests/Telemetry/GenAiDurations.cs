using System.Diagnostics.Metrics;

namespace MikuCloud.Tests.Telemetry;

/// <summary>
/// Every measurement of <c>gen_ai.client.operation.duration</c> with its tags. The GenAI meter is created per chat
/// client, outside the DI meter factory: <c>MetricCollector</c> binds to one instrument instance and, with parallel
/// tests, may watch another test's client, so this listens to every instance; <see cref="Of"/> keeps one test's calls.
/// </summary>
public sealed class GenAiDurations : IDisposable
{
    public const string MeterName = "Experimental.Microsoft.Extensions.AI";

    private readonly List<(double Value, Dictionary<string, object?> Tags)> measurements = [];
    private readonly MeterListener listener = new();

    public GenAiDurations()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == "gen_ai.client.operation.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((value, copy));
            }
        });
        listener.Start();
    }

    /// <summary>The measurements of calls to the Ollama on <paramref name="port"/> (the process-wide meter sees every test's).</summary>
    public (double Value, Dictionary<string, object?> Tags)[] Of(int port)
    {
        lock (measurements)
        {
            return [.. measurements.Where(m => Equals(m.Tags.GetValueOrDefault("server.port"), port))];
        }
    }

    public void Dispose() => listener.Dispose();
}
