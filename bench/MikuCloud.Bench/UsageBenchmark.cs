using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using MikuCloud.Api.Data;
using MikuCloud.Api.Usage;

namespace MikuCloud.Bench;

/// <summary>
/// Item 9 (issue 17): the admin usage analytics on a year of answers (1 million in a full run) in SQLite and in
/// PostgreSQL: the query's p50/p99 for 24h, 30d and 365d windows grouped per user, model and door, the rollup's size,
/// the seeding and rollup-building time, and what keeping the rollup costs each answer's write.
/// </summary>
public sealed partial class UsageBenchmark(BenchOptions options, TextWriter log)
{
    private static readonly string[] Windows = ["24h", "30d", "365d"];

    public async Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        var rows = options.Scale switch { BenchScale.Full => 1_000_000, BenchScale.Quick => 200_000, _ => 5_000 };
        var section = new Section($"9. Usage analytics: {rows:N0} answers over a year, SQLite and PostgreSQL");
        var results = new List<Measured>();
        var sqlitePath = Path.Combine(Path.GetTempPath(), $"mikucloud-bench-usage-{Guid.NewGuid():N}.db");
        try
        {
            results.Add(await MeasureAsync("SQLite", () => new SqliteChatDbContext(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite($"Data Source={sqlitePath}").Options),
                (usage, ct) => UsageSeed.InsertSqliteAsync($"Data Source={sqlitePath}", usage, ct), rows, cancellationToken));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(sqlitePath + suffix);
            }
        }

        await using (var postgres = await BenchPostgres.StartAsync())
        {
            if (postgres is null)
            {
                section.Line("PostgreSQL is not installed here: its rows are missing.");
            }
            else
            {
                results.Add(await MeasureAsync("PostgreSQL", () => new PostgresChatDbContext(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(postgres.ConnectionString("usage")).Options),
                    (usage, ct) => UsageSeed.InsertPostgresAsync(postgres.ConnectionString("usage"), usage, ct), rows, cancellationToken, createDatabase: postgres.ConnectionString("postgres")));
            }
        }

        Report(section, rows, results);
        return section;
    }

    private async Task<Measured> MeasureAsync(string provider, Func<ChatDbContext> open, Func<IEnumerable<AnswerUsage>, CancellationToken, Task> insert, int rows,
        CancellationToken cancellationToken, string? createDatabase = null)
    {
        if (createDatabase is not null)
        {
            await using var server = new Npgsql.NpgsqlConnection(createDatabase);
            await server.OpenAsync(cancellationToken);
            await using var create = new Npgsql.NpgsqlCommand("CREATE DATABASE usage", server);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var end = DateTime.UtcNow;
        await using (var db = open())
        {
            await db.Database.MigrateAsync(cancellationToken);
            db.Users.AddRange(Enumerable.Range(0, UsageSeed.Users).Select(i => new Api.Accounts.UserAccount
            {
                Id = UsageSeed.UserId(i), UserName = $"user{i:00}", NormalizedUserName = $"USER{i:00}", DisplayName = $"用户 {i:00}", Stamp = "s", CreatedAt = end,
            }));
            await db.SaveChangesAsync(cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        await insert(UsageSeed.Answers(rows, end), cancellationToken);
        var seedMs = Clock.MsSince(started);
        long rollupRows;
        double rollupBytes, buildMs;
        await using (var db = open())
        {
            var before = await SizeAsync(db, cancellationToken);
            started = Stopwatch.GetTimestamp();
            // Fixed SQL of the API's own (no input in it): the migration's backfill, on the bulk-inserted answers.
            var rebuild = "DELETE FROM " + UsageRollupSql.Table + "; " + UsageRollupSql.Backfill(db.Database.IsNpgsql());
            await db.Database.ExecuteSqlRawAsync(rebuild, cancellationToken);
            buildMs = Clock.MsSince(started);
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? "VACUUM ANALYZE" : "ANALYZE", cancellationToken);
            rollupRows = await db.UsageRollups.LongCountAsync(cancellationToken);
            rollupBytes = db.Database.IsNpgsql() ? await SizeAsync(db, cancellationToken) : await SizeAsync(db, cancellationToken) - before;
        }

        log.WriteLine($"   {provider}: seeded {rows:N0} in {seedMs / 1000:0.0} s; rollup {rollupRows:N0} rows built in {buildMs / 1000:0.0} s");
        var samples = options.Scale switch { BenchScale.Full => 60, BenchScale.Quick => 20, _ => 3 };
        var queries = new List<(string Window, string By, Summary Ms)>();
        foreach (var window in Windows)
        {
            foreach (var by in UsageDimension.Groupings)
            {
                var times = new List<double>();
                for (var i = 0; i < samples + 3; i++)
                {
                    await using var db = open(); // a request's own context, as the endpoint gets
                    var t = Stopwatch.GetTimestamp();
                    var report = await new UsageAnalytics(db).ReportAsync(UsageWindow.Parse(window, null, null, end), by, cancellationToken);
                    var ms = Clock.MsSince(t);
                    if (i >= 3)
                    {
                        times.Add(ms); // the first three warm the caches and JIT
                    }

                    if (report.Totals.Answers == 0)
                    {
                        throw new InvalidOperationException($"{provider} {window} by {by}: no answers found");
                    }
                }

                queries.Add((window, by, Summary.Of(times)));
                log.WriteLine($"   {provider} {window} by {by}: p50 {queries[^1].Ms.P50:0.0} ms, p99 {queries[^1].Ms.P99:0.0} ms");
            }
        }

        var scanMs = await ScanAsync(open, end, cancellationToken);
        var (plain, withRollup) = await WritesAsync(open, end, cancellationToken);
        return new Measured(provider, rows, seedMs, buildMs, rollupRows, rollupBytes, queries, scanMs, plain, withRollup);
    }

    /// <summary>What the 365d per-user table costs without the rollup: a plain GROUP BY over the answers (no percentiles even).</summary>
    private static async Task<Summary> ScanAsync(Func<ChatDbContext> open, DateTime end, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = open();
            var from = end.AddDays(-365);
            var t = Stopwatch.GetTimestamp();
            _ = await db.AnswerUsage.Where(u => u.CreatedAt >= from).GroupBy(u => u.OwnerId)
                .Select(g => new { g.Key, Answers = g.Count(), Input = g.Sum(u => (long)(u.InputTokens ?? 0)), Output = g.Sum(u => (long)(u.OutputTokens ?? 0)) })
                .ToListAsync(cancellationToken);
            times.Add(Clock.MsSince(t));
        }

        return Summary.Of(times);
    }

    /// <summary>Each answer's usage write alone (as before the rollup) and with its rollup upsert, interleaved in blocks.</summary>
    private async Task<(Summary Plain, Summary WithRollup)> WritesAsync(Func<ChatDbContext> open, DateTime end, CancellationToken cancellationToken)
    {
        var writes = options.Scale switch { BenchScale.Full => 2_000, BenchScale.Quick => 500, _ => 20 };
        var sample = UsageSeed.Answers(writes * 2, end).Select(u => { u.Id = Guid.CreateVersion7(); u.CreatedAt = end.AddSeconds(-u.CreatedAt.Second); return u; }).ToList();
        await using var db = open();
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL; PRAGMA journal_mode = WAL;", cancellationToken); // as the API runs
        }

        var usageLog = new AnswerUsageLog(db, NullLogger<AnswerUsageLog>.Instance);
        var plain = new List<double>();
        var withRollup = new List<double>();
        for (var i = 0; i < sample.Count; i++)
        {
            var rollup = i / 50 % 2 == 1;
            var t = Stopwatch.GetTimestamp();
            if (rollup)
            {
                await usageLog.RecordAsync(sample[i]);
            }
            else
            {
                var entry = db.Add(sample[i]);
                await db.SaveChangesAsync(cancellationToken);
                entry.State = EntityState.Detached;
            }

            (rollup ? withRollup : plain).Add(Clock.MsSince(t));
        }

        return (Summary.Of(plain), Summary.Of(withRollup));
    }

    private static async Task<double> SizeAsync(ChatDbContext db, CancellationToken cancellationToken)
    {
        var sql = db.Database.IsNpgsql()
            ? $"SELECT pg_total_relation_size('{UsageRollupSql.Table}') AS \"Value\""
            : "SELECT page_count * page_size AS \"Value\" FROM pragma_page_count(), pragma_page_size()";
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync(cancellationToken);
    }

    private sealed record Measured(string Provider, int Rows, double SeedMs, double BuildMs, long RollupRows, double RollupBytes,
        List<(string Window, string By, Summary Ms)> Queries, Summary ScanMs, Summary PlainWriteMs, Summary RollupWriteMs);
}
