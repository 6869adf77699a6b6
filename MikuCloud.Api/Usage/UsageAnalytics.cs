using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Usage;

/// <summary>
/// Admin usage analytics from <see cref="UsageRollup"/>: a window's days from the daily rows and its partial days from
/// the hourly ones, so a year is a few thousand rows whatever the number of answers. Counts and token sums are exact;
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
        var groups = await ReadAsync($"SELECT \"Key\", {Sums} FROM ({Ranges(window, "*")}) r GROUP BY \"Key\"", window, by, cancellationToken);
        var names = by == UsageDimension.User ? await NamesAsync(groups.Select(g => g.Key).ToList(), cancellationToken) : [];
        var rows = groups.Select(g => g.ToRow(names.GetValueOrDefault(g.Key))).OrderByDescending(r => r.Answers).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var totals = UsageSums.Total(groups).ToRow(null);
        return new UsageReport(window.From, window.To, by, (int)window.Bucket.TotalSeconds, totals, rows, await TrendAsync(window, cancellationToken), TtftHistogram.Resolution);
    }

    private async Task<List<UsagePoint>> TrendAsync(UsageWindow window, CancellationToken cancellationToken)
    {
        var sql = window.Bucket == TimeSpan.FromHours(1)
            ? $"SELECT \"PeriodStart\", \"Answers\", \"InputTokens\", \"OutputTokens\", \"Failures\" FROM {UsageRollupSql.Table} WHERE \"Grain\" = {UsageGrain.Hour} AND \"Dimension\" = @d AND \"PeriodStart\" >= @f AND \"PeriodStart\" < @t"
            : $"SELECT \"PeriodStart\", \"Answers\", \"InputTokens\", \"OutputTokens\", \"Failures\" FROM ({Ranges(window, "\"PeriodStart\", \"Answers\", \"InputTokens\", \"OutputTokens\", \"Failures\"")}) r";
        var byStart = new Dictionary<DateTime, UsagePoint>();
        await QueryAsync(sql, window, UsageDimension.All, cancellationToken, reader =>
        {
            var at = DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc);
            var start = window.Bucket == TimeSpan.FromHours(1) ? at : at.Date;
            var p = byStart.GetValueOrDefault(start) ?? new UsagePoint(start, 0, 0, 0, 0);
            byStart[start] = p with
            {
                Answers = p.Answers + reader.GetInt64(1), InputTokens = p.InputTokens + reader.GetInt64(2),
                OutputTokens = p.OutputTokens + reader.GetInt64(3), Failures = p.Failures + reader.GetInt64(4),
            };
        });
        var points = new List<UsagePoint>();
        var first = window.Bucket == TimeSpan.FromHours(1) ? window.From : window.From.Date;
        for (var start = first; start < window.To; start += window.Bucket)
        {
            points.Add(byStart.GetValueOrDefault(start) ?? new UsagePoint(start, 0, 0, 0, 0));
        }

        return points;
    }

    /// <summary>The window's rows of one dimension: hourly before the first whole day and after the last, daily between.</summary>
    private static string Ranges(UsageWindow window, string columns)
    {
        var (days, _) = WholeDays(window);
        var select = $"SELECT {columns} FROM {UsageRollupSql.Table} WHERE \"Dimension\" = @d AND ";
        return days
            ? $"{select}\"Grain\" = {UsageGrain.Hour} AND \"PeriodStart\" >= @f AND \"PeriodStart\" < @df UNION ALL "
                + $"{select}\"Grain\" = {UsageGrain.Day} AND \"PeriodStart\" >= @df AND \"PeriodStart\" < @dt UNION ALL "
                + $"{select}\"Grain\" = {UsageGrain.Hour} AND \"PeriodStart\" >= @dt AND \"PeriodStart\" < @t"
            : $"{select}\"Grain\" = {UsageGrain.Hour} AND \"PeriodStart\" >= @f AND \"PeriodStart\" < @t";
    }

    private static (bool Any, (DateTime From, DateTime To) Days) WholeDays(UsageWindow window)
    {
        var from = window.From == window.From.Date ? window.From : window.From.Date.AddDays(1);
        var to = window.To.Date;
        return (from < to, (from, to));
    }

    private async Task<List<UsageSums>> ReadAsync(string sql, UsageWindow window, string dimension, CancellationToken cancellationToken)
    {
        var sums = new List<UsageSums>();
        await QueryAsync(sql, window, dimension, cancellationToken, reader => sums.Add(UsageSums.Read(reader)));
        return sums;
    }

    private async Task QueryAsync(string sql, UsageWindow window, string dimension, CancellationToken cancellationToken, Action<DbDataReader> row)
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
            var (_, days) = WholeDays(window);
            Add(command, "d", dimension);
            Add(command, "f", window.From);
            Add(command, "t", window.To);
            Add(command, "df", days.From);
            Add(command, "dt", days.To);
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
        if (!command.CommandText.Contains("@" + name, StringComparison.Ordinal))
        {
            return;
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task<Dictionary<string, string>> NamesAsync(List<string> ids, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName.Length > 0 && u.DisplayName != u.UserName ? $"{u.DisplayName} ({u.UserName})" : u.UserName, cancellationToken);
}
