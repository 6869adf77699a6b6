namespace MikuCloud.Api.Batches;

/// <summary>Registers what turns uploads into batch items: the upload limits (checked at startup) and the reader.</summary>
public static class BatchIntakeSetup
{
    /// <summary>Adds <see cref="BatchUploadOptions"/> (section <c>Batches:Upload</c>) and a transient <see cref="BatchUploadReader"/>.</summary>
    public static IHostApplicationBuilder AddBatchIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchUploadOptions>().BindConfiguration(BatchUploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<BatchUploadReader>();
        return builder;
    }
}
