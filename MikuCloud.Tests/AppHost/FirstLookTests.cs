using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.AppHost.Ollama;

namespace MikuCloud.Tests.AppHost;

/// <summary>What a fresh machine sees first in the dashboard: the Ollama server with its commands in every mode, and no
/// development-certificate error when nothing uses TLS.</summary>
public class FirstLookTests
{
    private const string External = "Ollama:Mode=external", GpuBox = "ConnectionStrings:ollama=Endpoint=http://gpu-box:11434";

    [Fact]
    public async Task External_mode_shows_the_server_with_its_commands_in_the_dashboard()
    {
        await using var app = await AppModel.BuildAsync(External, GpuBox);
        var ollama = app.Resource("ollama");

        // The dashboard lists parameters (a bare connection string is one) apart from the resources, without commands.
        Assert.IsNotAssignableFrom<ParameterResource>(ollama);
        var commands = ollama.Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name).ToList();
        Assert.Contains(OllamaResourceBuilderExtensions.ListModelsCommand, commands);
        Assert.Contains(OllamaResourceBuilderExtensions.RunningModelsCommand, commands);
        Assert.Contains(OllamaResourceBuilderExtensions.UnloadAllCommand, commands);
        // The commands and the house model still reach the configured server.
        Assert.Equal("Endpoint=http://gpu-box:11434", await ((IResourceWithConnectionString)ollama).GetConnectionStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("Ollama:Mode=container")]
    [InlineData("Ollama:Mode=local")]
    [InlineData(External)]
    public async Task Nothing_in_the_app_needs_a_development_certificate(string mode)
    {
        await using var app = await AppModel.BuildAsync(mode, "Ollama:Gpu=none", GpuBox);

        // Aspire's own rule: one resource that "uses TLS" is enough for the AppHost to warn "No trusted Aspire development
        // certificate" and greet the dashboard with a red error on a machine without a trusted certificate, also on the
        // plain-HTTP profile. Every project gets a certificate hook unless it says it serves plain HTTP.
        var usesTls = typeof(DistributedApplication).Assembly.GetType("Aspire.Hosting.Dcp.DcpHost")
            ?.GetMethod("ResourceUsesTls", BindingFlags.NonPublic | BindingFlags.Static);
        Assert.True(usesTls is not null, "Aspire's DcpHost.ResourceUsesTls moved: check again what makes the AppHost warn about the development certificate");
        var needing = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(r => (bool)usesTls.Invoke(null, [r])!)
            .Select(r => r.Name);

        Assert.Empty(needing);
    }
}
