using MikuCloud.Tests.Reliability;
using Npgsql;

namespace MikuCloud.Tests.Persistence;

/// <summary>Plain <c>dotnet test</c> covers PostgreSQL wherever it is installed, with no server set up by hand.</summary>
public class TestPostgresServerTests
{
    [Fact]
    public async Task Without_a_configured_server_the_tests_start_their_own_from_the_installed_binaries()
    {
        Assert.SkipWhen(PrivatePostgres.FindBinaries() is null, PrivatePostgres.NotInstalled);

        var (connectionString, missing) = PostgresTestDatabase.ResolveServer(configured: null);

        Assert.Null(missing);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("select current_setting('listen_addresses')", connection);
        Assert.Equal("127.0.0.1", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken)); // loopback only
    }

    [Fact]
    public void A_configured_server_is_used_as_it_is()
    {
        const string configured = "Host=db.example;Username=u;Password=p;Database=postgres";

        Assert.Equal((configured, null), PostgresTestDatabase.ResolveServer(configured));
    }
}
