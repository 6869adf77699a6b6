using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.AppHost;

namespace MikuCloud.Tests.AppHost;

/// <summary>Scale-out in the AppHost's model: one API and no Redis by default; <c>Api:Replicas</c> adds Redis and the replicas.</summary>
public class ScaleOutModelTests
{
    [Fact]
    public async Task One_api_process_by_default_and_no_redis()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none");

        Assert.DoesNotContain(Resources(app), r => r.Name == ScaleOutExtensions.RedisName);
        var env = await app.Resource("api").EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.False(env.ContainsKey("ConnectionStrings__redis"));
        Assert.DoesNotContain(app.Resource("api").Annotations, a => a is ReplicaAnnotation);
    }

    [Fact]
    public async Task Api_replicas_run_that_many_api_processes_on_a_redis_container_they_wait_for()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none", "Api:Replicas=3");

        var redis = app.Resource<RedisResource>(ScaleOutExtensions.RedisName);
        Assert.Empty(redis.Annotations.OfType<ContainerMountAnnotation>()); // nothing worth keeping across restarts
        var api = app.Resource("api");
        Assert.Equal(3, Assert.Single(api.Annotations.OfType<ReplicaAnnotation>()).Replicas);
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource == redis);
        var env = await api.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
    }

    [Fact]
    public async Task A_redis_connection_string_is_used_instead_of_a_container()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Gpu=none", "Api:Replicas=2", "ConnectionStrings:redis=redis.internal:6379,password=secret");

        Assert.DoesNotContain(Resources(app), r => r is RedisResource);
        var connection = await ((IResourceWithConnectionString)app.Resource(ScaleOutExtensions.RedisName)).GetConnectionStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("redis.internal:6379,password=secret", connection);
        Assert.Equal(2, Assert.Single(app.Resource("api").Annotations.OfType<ReplicaAnnotation>()).Replicas);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public async Task An_invalid_replica_count_is_a_clear_error(string replicas)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.BuildAsync("Ollama:Gpu=none", $"Api:Replicas={replicas}"));

        Assert.Contains($"Api:Replicas='{replicas}' is not valid. Use a whole number from 1 to 64.", Flatten(ex), StringComparison.Ordinal);
    }

    private static IEnumerable<IResource> Resources(DistributedApplication app) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources;

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + " | " + Flatten(ex.InnerException);
}
