using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MikuCloud.Api.Data;

// Used by `dotnet ef` only (no app start, no database connection):
//   dotnet ef migrations add <Name> --project MikuCloud.Api --context SqliteChatDbContext   --output-dir Data/Migrations/Sqlite   --namespace MikuCloud.Api.Data.Migrations.Sqlite
//   dotnet ef migrations add <Name> --project MikuCloud.Api --context PostgresChatDbContext --output-dir Data/Migrations/Postgres --namespace MikuCloud.Api.Data.Migrations.Postgres

/// <summary>Design-time SQLite context for <c>dotnet ef</c>.</summary>
public sealed class SqliteChatDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqliteChatDbContext>
{
    public SqliteChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite(ChatDatabaseSetup.DefaultSqliteConnectionString).Options);
}

/// <summary>Design-time PostgreSQL context for <c>dotnet ef</c> (the connection string is never opened).</summary>
public sealed class PostgresChatDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgresChatDbContext>
{
    public PostgresChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql("Host=localhost;Database=mikucloud").Options);
}
