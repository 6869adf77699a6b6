using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using MikuCloud.AppHost.Ollama;

namespace MikuCloud.Tests.AppHost;

/// <summary>The AppHost's application model for every mode and GPU choice (nothing is started).</summary>
public class AppHostModelTests
{
    [Fact]
    public async Task Container_mode_pins_the_image_exposes_11434_and_persists_models()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none");
        var ollama = app.Resource<OllamaResource>("ollama");

        var image = Assert.Single(ollama.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal("docker.io", image.Registry);
        Assert.Equal("ollama/ollama", image.Image);
        Assert.Equal(OllamaContainerImageTags.Tag, image.Tag);
        Assert.True(Version.Parse(image.Tag!) >= new Version(0, 30), "qwen3-vl needs Ollama 0.30 or later");

        var endpoint = Assert.Single(ollama.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(11434, endpoint.TargetPort);
        Assert.Equal("http", endpoint.UriScheme);

        var volume = Assert.Single(ollama.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/root/.ollama", volume.Target);
        Assert.Equal(ContainerMountType.Volume, volume.Type);
        Assert.Empty(await ollama.RuntimeArgsAsync());
    }

    [Fact]
    public async Task Server_knobs_have_defaults_and_can_be_overridden()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none", "Parameters:ollama-num-parallel=4", "Parameters:ollama-keep-alive=-1");

        var env = await app.Resource("ollama").EnvironmentAsync();

        Assert.Equal("4", env["OLLAMA_NUM_PARALLEL"]);
        Assert.Equal("-1", env["OLLAMA_KEEP_ALIVE"]);
        Assert.Equal("16384", env["OLLAMA_CONTEXT_LENGTH"]); // the house model's num_ctx
        Assert.Equal("1", env["OLLAMA_FLASH_ATTENTION"]);
        Assert.Equal("q8_0", env["OLLAMA_KV_CACHE_TYPE"]);
        Assert.Equal("64", env["OLLAMA_MAX_QUEUE"]);
    }

    [Theory]
    [InlineData("docker", "--gpus all")]
    [InlineData("podman", "--device nvidia.com/gpu=all")]
    public async Task Nvidia_gets_the_right_runtime_arguments(string runtime, string expected)
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=nvidia", $"ASPIRE_CONTAINER_RUNTIME={runtime}");
        var ollama = app.Resource<OllamaResource>("ollama");

        Assert.Equal(expected, string.Join(' ', await ollama.RuntimeArgsAsync()));
        Assert.Equal(OllamaContainerImageTags.Tag, ollama.Annotations.OfType<ContainerImageAnnotation>().Single().Tag);
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public async Task Amd_gets_rocm_image_and_devices(string runtime)
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=amd", $"ASPIRE_CONTAINER_RUNTIME={runtime}");
        var ollama = app.Resource<OllamaResource>("ollama");

        Assert.Equal("--device /dev/kfd --device /dev/dri", string.Join(' ', await ollama.RuntimeArgsAsync()));
        Assert.EndsWith("-rocm", ollama.Annotations.OfType<ContainerImageAnnotation>().Single().Tag, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "/proc/driver/nvidia/version" }, new string[0], OllamaGpu.Nvidia)]
    [InlineData(new[] { "/dev/kfd" }, new string[0], OllamaGpu.Amd)]
    [InlineData(new string[0], new[] { "nvidia-smi" }, OllamaGpu.Nvidia)]
    [InlineData(new string[0], new string[0], OllamaGpu.None)]
    public void Auto_detects_the_gpu(string[] files, string[] programs, OllamaGpu expected) =>
        Assert.Equal(expected, GpuDetector.Detect(files.Contains, _ => false, programs.Contains));

    [Fact]
    public async Task House_model_is_a_child_with_a_connection_string_and_health_check()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none");
        var model = app.Resource<OllamaModelResource>("miku-vl");

        Assert.Same(app.Resource("ollama"), model.Parent);
        Assert.Equal("{ollama.connectionString};Model=miku-vl", model.ConnectionStringExpression.ValueExpression);
        Assert.Equal("qwen3-vl:8b-instruct-q4_K_M", model.Model.From);
        Assert.Single(model.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains(model.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == OllamaResourceBuilderExtensions.UnloadModelCommand);
        var serverCommands = app.Resource("ollama").Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name).ToList();
        Assert.Contains(OllamaResourceBuilderExtensions.ListModelsCommand, serverCommands);
        Assert.Contains(OllamaResourceBuilderExtensions.RunningModelsCommand, serverCommands);
        Assert.Contains(OllamaResourceBuilderExtensions.UnloadAllCommand, serverCommands);
    }

    [Theory]
    [InlineData("q8_0", "qwen3-vl:8b-instruct-q8_0")]
    [InlineData("bf16", "qwen3-vl:8b-instruct-bf16")]
    public async Task Quantization_choice_changes_the_base(string quant, string from)
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none", $"Ollama:Quantization={quant}");

        Assert.Equal(from, app.Resource<OllamaModelResource>("miku-vl").Model.From);
    }

    [Fact]
    public async Task Api_references_and_waits_for_the_model_and_web_for_the_api()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none");
        var api = app.Resource("api");
        var web = app.Resource("web");

        var apiEnv = await api.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("{miku-vl.connectionString}", apiEnv["ConnectionStrings__ollama"]);
        Assert.Equal("{ollama-num-parallel.value}", apiEnv["Chat__MaxConcurrentGenerations"]);
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "miku-vl");
        Assert.Contains(web.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "api");
        Assert.Contains(web.Annotations.OfType<EndpointAnnotation>(), e => e.IsExternal);
        Assert.DoesNotContain(api.Annotations.OfType<EndpointAnnotation>(), e => e.IsExternal);
        var webEnv = await web.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Contains("services__api__http__0", webEnv.Keys);
        // The model must not wait on anything of its own: its download is what others wait for.
        Assert.Empty(app.Resource("miku-vl").Annotations.OfType<WaitAnnotation>());
    }

    [Fact]
    public async Task The_web_is_told_the_apis_own_address_for_the_connection_help_on_the_account_page()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=container", "Ollama:Gpu=none");

        var webEnv = await app.Resource("web").EnvironmentAsync(DistributedApplicationOperation.Publish);

        Assert.Equal("{api.bindings.http.url}", webEnv["Api__PublicUrl"]);
    }

    [Fact]
    public async Task External_mode_reads_the_connection_string_and_starts_no_container()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=external", "ConnectionStrings:ollama=Endpoint=http://gpu-box:11434");
        var model = app.Resource<OllamaModelResource>("miku-vl");

        Assert.Equal("{ollama.connectionString};Model=miku-vl", model.ConnectionStringExpression.ValueExpression);
        Assert.Equal("Endpoint=http://gpu-box:11434", app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["ConnectionStrings:ollama"]);
        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r is ContainerResource or OllamaExecutableResource);
    }

    [Fact]
    public async Task Bad_settings_are_clear_errors()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.BuildAsync("Ollama:Mode=cloud"));
        Assert.Contains("Ollama:Mode='cloud' is not valid. Use one of: auto, container, local, external.", Flatten(ex), StringComparison.Ordinal);

        ex = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.BuildAsync("Ollama:Quantization=q3"));
        Assert.Contains("Unknown quantization 'q3'", Flatten(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_container_engine_fails_with_a_message_naming_local_and_external()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "uses a shell script as a stand-in docker CLI");
        var script = Path.Combine(Directory.CreateTempSubdirectory().FullName, "docker");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1\n", TestContext.Current.CancellationToken);
#pragma warning disable CA1416 // guarded by the SkipWhen above
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
#pragma warning restore CA1416

        // A just-written script can fail to start (ETXTBSY: another test's process forked while the file was open for
        // writing, and the child still holds it until it execs); that is the test machine, not the probe.
        var problem = await ContainerRuntimeCheck.ProbeAsync(script, TestContext.Current.CancellationToken);
        for (var attempt = 0; attempt < 10 && problem?.Contains("is not installed", StringComparison.Ordinal) == true; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            problem = await ContainerRuntimeCheck.ProbeAsync(script, TestContext.Current.CancellationToken);
        }

        var message = ContainerRuntimeCheck.Describe(ContainerRuntimeKind.Docker, problem!);

        Assert.Contains("Cannot connect to the Docker daemon", problem, StringComparison.Ordinal);
        Assert.Contains("Ollama:Mode local", message, StringComparison.Ordinal);
        Assert.Contains("Ollama:Mode external", message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:ollama", message, StringComparison.Ordinal);
        Assert.Contains("is not installed", await ContainerRuntimeCheck.ProbeAsync("/nonexistent/podman", TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await File.WriteAllTextAsync(script, "#!/bin/sh\necho 28.2.2\n", TestContext.Current.CancellationToken);
        Assert.Null(await ContainerRuntimeCheck.ProbeAsync(script, TestContext.Current.CancellationToken));
    }

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + " | " + Flatten(ex.InnerException);
}

/// <summary>
/// Local mode in a class of its own: built right after an external-mode model in the same class, Aspire's testing
/// builder takes 30 s longer (a timing quirk of its entry-point interception, not of MikuCloud).
/// </summary>
public class AppHostLocalModeTests
{
    [Fact]
    public async Task Local_mode_runs_ollama_serve_on_loopback()
    {
        await using var app = await AppModel.BuildAsync("Ollama:Mode=local");
        var ollama = app.Resource<OllamaExecutableResource>("ollama");

        Assert.Equal("ollama", ollama.Command);
        // Publish-mode evaluation: run-mode evaluation of an executable waits for DCP-only values.
        var env = await ollama.EnvironmentAsync(DistributedApplicationOperation.Publish);
        Assert.Equal("127.0.0.1:11434", env["OLLAMA_HOST"]);
        Assert.Equal("{ollama-num-parallel.value}", env["OLLAMA_NUM_PARALLEL"]);
        var endpoint = Assert.Single(ollama.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(11434, endpoint.Port);
        Assert.False(endpoint.IsProxied);
        Assert.Same(ollama, app.Resource<OllamaModelResource>("miku-vl").Parent);
        Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r is ContainerResource);
    }
}
