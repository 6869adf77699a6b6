using Microsoft.EntityFrameworkCore;

namespace MikuCloud.Api.Data;

/// <summary>SQLite (default) or PostgreSQL chat history from <c>ConnectionStrings:chatdb</c>.</summary>
public sealed class SqliteChatDbContext(DbContextOptions<SqliteChatDbContext> options) : ChatDbContext(options);

/// <summary>PostgreSQL flavour (<c>Database:Provider=postgres</c>).</summary>
public sealed class PostgresChatDbContext(DbContextOptions<PostgresChatDbContext> options) : ChatDbContext(options);

public static class ChatDatabaseSetup
{
    public static IHostApplicationBuilder AddChatDatabase(this IHostApplicationBuilder builder)
    {
        var connection = builder.Configuration.GetConnectionString("chatdb") ?? "Data Source=mikucloud.db";
        var provider = builder.Configuration["Database:Provider"] ?? "sqlite";
        if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddDbContext<PostgresChatDbContext>(o => o.UseNpgsql(connection));
            builder.Services.AddScoped<ChatDbContext>(sp => sp.GetRequiredService<PostgresChatDbContext>());
        }
        else
        {
            builder.Services.AddDbContext<SqliteChatDbContext>(o => o.UseSqlite(connection));
            builder.Services.AddScoped<ChatDbContext>(sp => sp.GetRequiredService<SqliteChatDbContext>());
        }

        // Placeholder until migrations land: create the schema at startup.
        builder.Services.AddHostedService<SchemaInitializer>();
        return builder;
    }

    private sealed class SchemaInitializer(IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ChatDbContext>().Database.EnsureCreatedAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
