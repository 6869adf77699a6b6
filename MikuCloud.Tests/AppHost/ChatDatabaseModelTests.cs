using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.AppHost;

namespace MikuCloud.Tests.AppHost;

/// <summary>The chat database in the AppHost's model: SQLite by default, PostgreSQL with <c>Database:Provider=postgres</c>.</summary>
public class ChatDatabaseModelTests
{
    [Fact]
    public async Task Default_is_a_sqlite_file_under_the_apphost_and_no_postgres()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none");
        var api = app.Resource("api");

        var env = await api.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("{chatdb.connectionString}", env["ConnectionStrings__chatdb"]);
        Assert.Equal("sqlite", env["Database__Provider"]);
        var connection = await ((IResourceWithConnectionString)app.Resource("chatdb")).GetConnectionStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("Data Source=", connection, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("MikuCloud.AppHost", ".data", "mikucloud.db"), connection, StringComparison.Ordinal);
        Assert.DoesNotContain(Resources(app), r => r is PostgresServerResource);
        Assert.DoesNotContain(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == ChatDatabaseExtensions.Name);
    }

    [Fact]
    public async Task Postgres_provider_adds_a_server_with_a_data_volume_and_the_chatdb_database()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none", "Database:Provider=postgres");

        var server = app.Resource<PostgresServerResource>(ChatDatabaseExtensions.PostgresServerName);
        var volume = Assert.Single(server.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.Volume, volume.Type);
        Assert.StartsWith("/var/lib/postgresql", volume.Target, StringComparison.Ordinal); // Aspire picks the image's data path
        var database = app.Resource<PostgresDatabaseResource>(ChatDatabaseExtensions.Name);
        Assert.Same(server, database.Parent);
        Assert.Equal("chatdb", database.DatabaseName);

        var api = app.Resource("api");
        var env = await api.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("{chatdb.connectionString}", env["ConnectionStrings__chatdb"]);
        Assert.Equal("postgres", env["Database__Provider"]);
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource == database);
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "miku-vl"); // still waits for the model
    }

    [Fact]
    public async Task Postgres_provider_with_a_connection_string_uses_that_server()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none", "Database:Provider=postgres",
            "ConnectionStrings:chatdb=Host=db.internal;Database=mikucloud;Username=miku;Password=secret");

        Assert.DoesNotContain(Resources(app), r => r is PostgresServerResource or PostgresDatabaseResource);
        var env = await app.Resource("api").EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("{chatdb.connectionString}", env["ConnectionStrings__chatdb"]);
        Assert.Equal("postgres", env["Database__Provider"]);
        var connection = await ((IResourceWithConnectionString)app.Resource("chatdb")).GetConnectionStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Host=db.internal;Database=mikucloud;Username=miku;Password=secret", connection);
    }

    [Fact]
    public async Task Unknown_provider_is_a_clear_error()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.BuildAsync("Ollama:Gpu=none", "Database:Provider=mysql"));

        Assert.Contains("Database:Provider='mysql' is not valid. Use one of: sqlite, postgres.", Flatten(ex), StringComparison.Ordinal);
    }

    private static IEnumerable<IResource> Resources(DistributedApplication app) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources;

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + " | " + Flatten(ex.InnerException);
}
