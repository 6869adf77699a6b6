using MikuCloud.Web.Api;
using MikuCloud.Web.Knowledge;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Rendering;
using MikuCloud.Web.Rendering.Maths;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Web;

/// <summary>The Web's own services, and the map of its few plain-HTTP endpoints.</summary>
public static class WebSetup
{
    /// <summary>Upload store, markdown renderer and the UI's words.</summary>
    public static IServiceCollection AddMikuWebServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ImageLimits>(configuration.GetSection(ImageLimits.SectionName));
        services.AddSingleton<UploadStore>();
        services.AddSingleton(sp => MarkdownRenderer.Create(configuration, sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<ILogger<MarkdownRenderer>>()));
        services.AddHostedService<KatexWarmup>();
        services.AddLocalization(options => options.ResourcesPath = UiText.ResourcesPath);
        services.AddSingleton<UiText>();
        return services;
    }

    /// <summary>Uploads, the image and export pass-through, and the language switch (each in its own file).</summary>
    public static IEndpointRouteBuilder MapMikuWebEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapUploadEndpoints();
        app.MapPassThroughEndpoints();
        app.MapBatchPassThroughEndpoints();
        app.MapUsagePassThroughEndpoints();
        app.MapKnowledgePassThroughEndpoints();
        app.MapCultureEndpoint();
        return app;
    }
}
