using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Tests.Persistence;

/// <summary>
/// The model and each provider's migrations never drift (the equivalent of <c>dotnet ef migrations has-pending-model-changes</c>).
/// Needs no server: the comparison is between the model and the migrations' snapshot.
/// </summary>
public class MigrationDriftTests
{
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteChatDbContextDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project MikuCloud.Api --context SqliteChatDbContext --output-dir Data/Migrations/Sqlite");
        Assert.All(db.Database.GetMigrations(), m => Assert.Matches(@"^\d{14}_\w+$", m));
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresChatDbContextDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project MikuCloud.Api --context PostgresChatDbContext --output-dir Data/Migrations/Postgres");
    }

    [Fact]
    public void Each_provider_has_its_own_migrations()
    {
        using var sqlite = new SqliteChatDbContextDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresChatDbContextDesignTimeFactory().CreateDbContext([]);

        Assert.NotEmpty(sqlite.Database.GetMigrations());
        Assert.NotEmpty(postgres.Database.GetMigrations());
        Assert.Equal(sqlite.Database.GetMigrations().Select(Name), postgres.Database.GetMigrations().Select(Name));

        static string Name(string id) => id[15..];
    }

    [Theory]
    [InlineData(null, ChatDatabaseProvider.Sqlite)]
    [InlineData("", ChatDatabaseProvider.Sqlite)]
    [InlineData("SQLite", ChatDatabaseProvider.Sqlite)]
    [InlineData("postgres", ChatDatabaseProvider.Postgres)]
    [InlineData("PostgreSQL", ChatDatabaseProvider.Postgres)]
    public void Provider_setting_is_parsed(string? value, ChatDatabaseProvider expected) =>
        Assert.Equal(expected, ChatDatabaseSetup.ParseProvider(value));

    [Fact]
    public void Unknown_provider_is_a_clear_error()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ChatDatabaseSetup.ParseProvider("oracle"));
        Assert.Contains("Database:Provider='oracle' is not valid", ex.Message, StringComparison.Ordinal);
    }
}
