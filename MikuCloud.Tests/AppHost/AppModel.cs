using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MikuCloud.Tests.AppHost;

/// <summary>Builds the real AppHost's model (without starting it) with the given configuration.</summary>
internal static class AppModel
{
    public static async Task<DistributedApplication> BuildAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MikuCloud_AppHost>(args, TestContext.Current.CancellationToken);
        return await builder.BuildAsync(TestContext.Current.CancellationToken);
    }

    public static T Resource<T>(this DistributedApplication app, string name) where T : IResource =>
        Assert.IsType<T>(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name), exactMatch: false);

    public static IResource Resource(this DistributedApplication app, string name) => app.Resource<IResource>(name);

    // Obsolete in 13.x in favour of ExecutionConfigurationBuilder, but still the one-line way to evaluate
    // a resource's environment the way run and publish would.
#pragma warning disable CS0618
    public static async Task<Dictionary<string, string>> EnvironmentAsync(this IResource resource, DistributedApplicationOperation operation = DistributedApplicationOperation.Run) =>
        await ((IResourceWithEnvironment)resource).GetEnvironmentVariableValuesAsync(operation);
#pragma warning restore CS0618

    public static async Task<List<string>> RuntimeArgsAsync(this ContainerResource resource)
    {
        var args = new List<object>();
        foreach (var annotation in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await annotation.Callback(new ContainerRuntimeArgsCallbackContext(args, TestContext.Current.CancellationToken));
        }

        return args.Select(a => a.ToString()!).ToList();
    }
}
