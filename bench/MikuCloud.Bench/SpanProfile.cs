using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MikuCloud.Bench;

/// <summary>One kind of span inside the API: how long it took and when it started after the request did (ms, p50; -1 = unknown).</summary>
public sealed record SpanTiming(string Name, int Count, double DurationP50, double DurationP99, double StartP50);

/// <summary>
/// Listens inside the API process to its spans (ASP.NET Core request, MikuCloud.Chat steps, the HttpClient call to
/// Ollama) and to EF Core's command and commit events, to show where a turn's time goes before the first token.
/// </summary>
public static class SpanProfile
{
    private static readonly ConcurrentQueue<(string Name, double DurationMs, double StartMs)> Samples = new();
    private static int started;

    public static void Start()
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            return;
        }

        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MikuCloud.Chat" or "System.Net.Http" or "Microsoft.AspNetCore" || s.Name.StartsWith("Experimental.Microsoft.Extensions.AI", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var root = activity;
                while (root.Parent is { } parent)
                {
                    root = parent;
                }

                Add(activity.OperationName == activity.DisplayName ? activity.OperationName : $"{activity.OperationName} ({activity.DisplayName})",
                    activity.Duration.TotalMilliseconds, (activity.StartTimeUtc - root.StartTimeUtc).TotalMilliseconds);
            },
        };
        ActivitySource.AddActivityListener(listener);
        DiagnosticListener.AllListeners.Subscribe(new EfObserver());
    }

    private static void Add(string name, double durationMs, double startMs)
    {
        if (Samples.Count < 500_000)
        {
            Samples.Enqueue((name, durationMs, startMs));
        }
    }

    /// <summary>Per span name, since the last call (which clears the samples).</summary>
    public static List<SpanTiming> Drain()
    {
        var all = new List<(string Name, double DurationMs, double StartMs)>();
        while (Samples.TryDequeue(out var sample))
        {
            all.Add(sample);
        }

        return all.GroupBy(s => s.Name)
            .Select(g =>
            {
                var duration = Summary.Of(g.Select(s => s.DurationMs));
                var start = Summary.Of(g.Select(s => s.StartMs)).P50;
                return new SpanTiming(g.Key, g.Count(), duration.P50, duration.P99, double.IsNaN(start) ? -1 : start);
            })
            .OrderBy(s => s.StartP50)
            .ToList();
    }

    private sealed class EfObserver : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                value.Subscribe(this);
            }
        }

        /// <summary>When an event that just ended began, after the current request's start (NaN outside a request).</summary>
        private static double StartOffset(TimeSpan duration)
        {
            var activity = Activity.Current;
            if (activity is null)
            {
                return double.NaN;
            }

            while (activity.Parent is { } parent)
            {
                activity = parent;
            }

            return (DateTime.UtcNow - activity.StartTimeUtc - duration).TotalMilliseconds;
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            switch (value.Value)
            {
                case CommandExecutedEventData command:
                    var sql = command.Command.CommandText;
                    var verb = sql.TrimStart().Split([' ', '\n'], 2)[0].ToUpperInvariant();
                    var from = sql.IndexOf("FROM \"", StringComparison.Ordinal);
                    if (verb == "SELECT" && from >= 0)
                    {
                        verb += " " + sql[(from + 5)..].Split([' ', '\n'], 2)[0].Trim('"') + (sql.Contains("JOIN", StringComparison.Ordinal) ? " (join)" : "");
                    }

                    Add($"EF command {verb}", command.Duration.TotalMilliseconds, StartOffset(command.Duration));
                    break;
                case TransactionEndEventData transaction when value.Key.EndsWith("TransactionCommitted", StringComparison.Ordinal):
                    Add("EF commit", transaction.Duration.TotalMilliseconds, StartOffset(transaction.Duration));
                    break;
                case ConnectionEndEventData connection when value.Key.EndsWith("ConnectionOpened", StringComparison.Ordinal):
                    Add("EF connection open", connection.Duration.TotalMilliseconds, StartOffset(connection.Duration));
                    break;
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
