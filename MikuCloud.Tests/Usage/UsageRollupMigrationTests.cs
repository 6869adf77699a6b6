using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using MikuCloud.Api.Usage;
using MikuCloud.Tests.Persistence;

namespace MikuCloud.Tests.Usage;

/// <summary>
/// Upgrading a database that already holds answers' usage: the migration that creates the rollup fills it from them,
/// and afterwards it agrees exactly with what the answer-writing path adds (both providers).
/// </summary>
public abstract class UsageRollupMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract TestDatabase CreateDatabase();

    [Fact]
    public async Task The_upgrade_backfills_the_rollup_and_later_answers_add_to_it_exactly()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        var start = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var owners = new[] { "alice", "bob", "carol" };
        var before = KnownUsage.Make(owners, start, start.AddDays(20), 300, [start.AddDays(3), start.AddDays(10).AddHours(7)], seed: 1);
        var after = KnownUsage.Make(owners, start, start.AddDays(20), 100, [start.AddDays(3)], seed: 2);
        await using (var old = database.OpenContext())
        {
            var migrations = old.Database.GetMigrations().ToList();
            var rollup = migrations.Single(m => m.EndsWith("_UsageRollup", StringComparison.Ordinal));
            await old.Database.GetService<IMigrator>().MigrateAsync(migrations[migrations.IndexOf(rollup) - 1], Ct);
            old.AnswerUsage.AddRange(before);
            await old.SaveChangesAsync(Ct);
        }

        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync(Ct); // the backfill runs here
            foreach (var usage in after)
            {
                db.AnswerUsage.Add(usage);
                await db.SaveWithRollupAsync([usage], Ct);
            }
        }

        await using var read = database.OpenContext();
        var analytics = new UsageAnalytics(read);
        var all = before.Concat(after).ToList();
        foreach (var (from, to) in new[] { (start, start.AddDays(20)), (start.AddDays(3).AddHours(5), start.AddDays(11)), (start.AddDays(3), start.AddDays(4)) })
        {
            foreach (var by in UsageDimension.Groupings)
            {
                UsageReportAssert.Matches(KnownUsage.In(all, from, to), await analytics.ReportAsync(new UsageWindow(from, to), by, Ct));
            }
        }
    }
}

public sealed class SqliteUsageRollupMigrationTests : UsageRollupMigrationTests
{
    protected override TestDatabase CreateDatabase() => new SqliteTestDatabase();
}

public sealed class PostgresUsageRollupMigrationTests : UsageRollupMigrationTests
{
    protected override TestDatabase CreateDatabase() => new PostgresTestDatabase();
}
