namespace MikuCloud.Bench;

/// <summary>How long and how thoroughly to measure.</summary>
public enum BenchScale
{
    /// <summary>The numbers for BENCHMARKS.md (about 8 minutes on 2 cores).</summary>
    Full,

    /// <summary>Every item, fewer samples (about three minutes): to check a change quickly.</summary>
    Quick,

    /// <summary>Every item, a handful of samples: only that the harness still works (the smoke test).</summary>
    Smoke,
}

/// <summary>Where the API runs during the gateway and admission benchmarks.</summary>
public enum ApiHostMode
{
    /// <summary>A child process (this program with <c>serve-api</c>): its CPU, allocations and memory are the API's alone.</summary>
    Process,

    /// <summary>In this process, next to the fake and the clients (CPU and memory then include them).</summary>
    InProcess,
}

/// <summary>Command-line options.</summary>
public sealed record BenchOptions
{
    public static readonly string[] AllItems = ["gateway", "browser", "image", "history", "admission", "auth", "bodies", "batch", "usage", "knowledge", "resume", "routing"];

    public const string Usage = """
        MikuCloud benchmarks — dotnet run -c Release --project bench/MikuCloud.Bench -- [options]

          --quick               every item with fewer samples (~3 min); does not overwrite BENCHMARKS.md unless --output is given
          --smoke               a few samples per item (what the smoke test runs)
          --only a,b            run only these items: gateway, browser, image, history, admission, auth, bodies, batch, usage, knowledge, resume,
                                routing
          --output PATH         where to write the report (default: BENCHMARKS.md at the repository root for a full run)
          --no-write            print the report only
          --api-host MODE       process (default: the API as a child process) or inproc (next to the fake and clients)
          --chromium PATH       the browser for the browser item (default /usr/bin/chromium)
          -h, --help            this text
        """;

    public BenchScale Scale { get; init; } = BenchScale.Full;

    public IReadOnlyList<string> Items { get; init; } = AllItems;

    public string? OutputPath { get; init; }

    public ApiHostMode ApiHost { get; init; } = ApiHostMode.Process;

    public string ChromiumPath { get; init; } = "/usr/bin/chromium";

    public bool Help { get; init; }

    /// <summary>The repository root (the folder with MikuCloud.slnx), if found above the program or the working directory.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MikuCloud.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        string? output = null;
        var noWrite = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--quick":
                    options = options with { Scale = BenchScale.Quick };
                    break;
                case "--smoke":
                    options = options with { Scale = BenchScale.Smoke };
                    break;
                case "--only":
                    var items = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = items.Except(AllItems, StringComparer.OrdinalIgnoreCase).ToList();
                    if (unknown.Count > 0)
                    {
                        throw new ArgumentException($"Unknown item(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", AllItems)}.");
                    }

                    options = options with { Items = AllItems.Where(a => items.Contains(a, StringComparer.OrdinalIgnoreCase)).ToList() };
                    break;
                case "--output":
                    output = Value();
                    break;
                case "--no-write":
                    noWrite = true;
                    break;
                case "--api-host":
                    options = options with
                    {
                        ApiHost = Value() switch
                        {
                            "process" => ApiHostMode.Process,
                            "inproc" => ApiHostMode.InProcess,
                            var other => throw new ArgumentException($"--api-host {other}: use process or inproc."),
                        },
                    };
                    break;
                case "--chromium":
                    options = options with { ChromiumPath = Value() };
                    break;
                case "-h" or "--help":
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (noWrite)
        {
            output = null;
        }
        else if (output is null && options.Scale == BenchScale.Full && options.Items.Count == AllItems.Length && RepositoryRoot() is { } root)
        {
            output = Path.Combine(root, "BENCHMARKS.md");
        }

        return options with { OutputPath = output };
    }
}
