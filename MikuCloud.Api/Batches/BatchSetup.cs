namespace MikuCloud.Api.Batches;

/// <summary>Registers batch jobs: options, the queue and worker, uploads (<see cref="BatchIntakeSetup"/>) and the services the endpoints use.</summary>
public static class BatchSetup
{
    public static IHostApplicationBuilder AddBatches(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.SectionName);
        services.AddSingleton<BatchSignals>();
        services.AddSingleton<BatchRuns>();
        services.AddSingleton<BatchTelemetry>();
        services.AddSingleton<BatchOwnerPauses>();
        services.AddScoped<BatchQueue>();
        services.AddScoped<BatchStore>();
        services.AddScoped<BatchLifecycle>();
        services.AddScoped<BatchItemIntake>();
        services.AddScoped<BatchItemRunner>();
        services.AddHostedService<BatchWorker>();
        services.AddHostedService<BatchClaimRecovery>();
        builder.AddBatchIntake();
        return builder;
    }
}
