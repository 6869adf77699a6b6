using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Usage;

/// <summary>
/// Admin usage analytics from <see cref="UsageRollup"/>: a window's whole months from the monthly rows, other whole days
/// from the daily ones and partial days from the hourly ones, so a year is a few thousand rows whatever the number of answers. Counts and token sums are exact;
/// percentiles come from the summed histograms (<see cref="TtftHistogram"/>).
/// </summary>
public sealed class UsageAnalytics(ChatDbContext db)
{
    private static readonly string Sums = "CAST(SUM(\"Answers\") AS BIGINT), CAST(SUM(\"InputTokens\") AS BIGINT), CAST(SUM(\"OutputTokens\") AS BIGINT), "
        + "CAST(SUM(\"Images\") AS BIGINT), CAST(SUM(\"Failures\") AS BIGINT), "
        + string.Join(", ", TtftHistogram.Columns.Select(c => $"CAST(SUM(\"{c}\") AS BIGINT)"));

    /// <summary>The report for <paramref name="window"/> grouped by <paramref name="by"/> (a <see cref="UsageDimension"/> grouping).</summary>
    public async Task<UsageReport> ReportAsync(UsageWindow window, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var cover = UsageGrain.Cover(window.From, window.To, UsageGrain.Month);
        var groups = new List<UsageSums>();
        await QueryAsync($"SELECT \"Key\", {Sums} FROM ({Ranges(cover, "*")}) r GROUP BY \"Key\"", cover, by, reader => groups.Add(UsageSums.Read(reader)), cancellationToken);
        var names = by == UsageDimension.User ? await NamesAsync(groups.Select(g => g.Key).ToList(), cancellationToken) : [];
        var rows = groups.Select(g => g.ToRow(names.GetValueOrDefault(g.Key))).OrderByDescending(r => r.Answers).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var totals = UsageSums.Total(groups).ToRow(null);
        return new UsageReport(window.From, window.To, by, (int)window.Bucket.TotalSeconds, totals, rows, await TrendAsync(window, cancellationToken), TtftHistogram.Resolution);
    }

    /// <summary>Every bucket of the window from the <c>all</c> rows: hourly ones, or daily ones with hourly ones at partial days.</summary>
    private async Task<List<UsagePoint>> TrendAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        var grain = window.Bucket == TimeSpan.FromHours(1) ? UsageGrain.Hour : UsageGrain.Day;
        var cover = UsageGrain.Cover(window.From, window.To, grain);
        var byStart = new Dictionary<DateTime, UsagePoint>();
        await QueryAsync($"SELECT * FROM ({Ranges(cover, "\"PeriodStart\", \"Answers\", \"InputTokens\", \"OutputTokens\", \"Failures\"")}) r", cover, UsageDimension.All, reader =>
        {
            var start = UsageGrain.Start(grain, DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            var p = byStart.GetValueOrDefault(start) ?? new UsagePoint(start, 0, 0, 0, 0);
            byStart[start] = p with
            {
                Answers = p.Answers + reader.GetInt64(1),
                InputTokens = p.InputTokens + reader.GetInt64(2),
                OutputTokens = p.OutputTokens + reader.GetInt64(3),
                Failures = p.Failures + reader.GetInt64(4),
            };
        }, cancellationToken);
        var points = new List<UsagePoint>();
        for (var start = UsageGrain.Start(grain, window.From); start < window.To; start += window.Bucket)
        {
            points.Add(byStart.GetValueOrDefault(start) ?? new UsagePoint(start, 0, 0, 0, 0));
        }

        return points;
    }

    /// <summary>One dimension's rows over the periods of <paramref name="cover"/>: one key range each, their union.</summary>
    private static string Ranges(List<(int Grain, DateTime From, DateTime To)> cover, string columns) =>
        string.Join(" UNION ALL ", cover.Select((s, i) =>
            $"SELECT {columns} FROM {UsageRollupSql.Table} WHERE \"Grain\" = {s.Grain} AND \"Dimension\" = @d AND \"PeriodStart\" >= @f{i} AND \"PeriodStart\" < @t{i}"));

    private async Task QueryAsync(string sql, List<(int Grain, DateTime From, DateTime To)> cover, string dimension, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            Add(command, "@d", dimension);
            for (var i = 0; i < cover.Count; i++)
            {
                Add(command, $"@f{i}", cover[i].From);
                Add(command, $"@t{i}", cover[i].To);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The shown names of the grouped users (on the open connection, like the rest: no EF query to compile).</summary>
    private async Task<Dictionary<string, string>> NamesAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return names;
        }

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"Id\", \"UserName\", \"DisplayName\" FROM \"Users\" WHERE \"Id\" IN ({string.Join(", ", ids.Select((_, i) => $"@u{i}"))})";
            for (var i = 0; i < ids.Count; i++)
            {
                Add(command, $"@u{i}", ids[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (userName, displayName) = (reader.GetString(1), reader.GetString(2));
                names[reader.GetString(0)] = displayName.Length > 0 && displayName != userName ? $"{displayName} ({userName})" : userName;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return names;
    }
}
