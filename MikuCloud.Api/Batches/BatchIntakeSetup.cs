using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MikuCloud.Api.Batches;

/// <summary>
/// Registers what turns uploads into batch items: the upload limits (checked at startup) and the reader, which takes
/// the place of the batch endpoints' single-image reader (call after <c>AddBatches</c>).
/// </summary>
public static class BatchIntakeSetup
{
    /// <summary>Adds <see cref="BatchUploadOptions"/> (section <c>Batches:Upload</c>), a transient <see cref="BatchUploadReader"/>,
    /// and <see cref="BatchUploadFileReader"/> as the scoped <see cref="IBatchFileReader"/>.</summary>
    public static IHostApplicationBuilder AddBatchIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchUploadOptions>().BindConfiguration(BatchUploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<BatchUploadReader>();
        builder.Services.Replace(ServiceDescriptor.Scoped<IBatchFileReader, BatchUploadFileReader>());
        return builder;
    }
}
