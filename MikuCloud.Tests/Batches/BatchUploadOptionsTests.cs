using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Batches;

namespace MikuCloud.Tests.Batches;

/// <summary>Upload limits are checked when the API starts, not when the first upload meets them.</summary>
public sealed class BatchUploadOptionsTests
{
    [Theory]
    [InlineData("MaxFilesPerUpload", "0")]
    [InlineData("MaxEntryBytes", "-1")]
    [InlineData("MaxCompressionRatio", "1")]
    [InlineData("MaxTotalUncompressedBytes", "1000")] // below the default entry limit: the cross-field rule
    public async Task A_bad_upload_limit_stops_the_API_at_startup(string key, string value)
    {
        using var host = Build(new() { [$"{BatchUploadOptions.SectionName}:{key}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task The_default_limits_start_and_are_bound_from_configuration()
    {
        using var host = Build(new() { [$"{BatchUploadOptions.SectionName}:MaxFilesPerUpload"] = "50" });

        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(50, host.Services.GetRequiredService<IOptions<BatchUploadOptions>>().Value.MaxFilesPerUpload);
        Assert.NotSame(host.Services.GetRequiredService<BatchUploadReader>(), host.Services.GetRequiredService<BatchUploadReader>()); // one per upload
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new MikuCloud.Api.Images.ImagePipeline(new MikuCloud.Api.Images.ImagePipelineOptions()));
        builder.Services.AddOptions<MikuCloud.Api.Images.ImagePipelineOptions>();
        builder.AddBatchIntake();
        return builder.Build();
    }
}
