namespace MikuCloud.HouseModels;

/// <summary>
/// Everything in <c>modelfiles/</c>: house models (<c>*.Modelfile</c> at the top, named after the file)
/// and presets (<c>presets/*.Modelfile</c>). The single source of truth for models and sampling presets.
/// </summary>
public sealed class HouseModelCatalog
{
    /// <summary>The folder name, both in the repository and next to each built program.</summary>
    public const string DirectoryName = "modelfiles";

    /// <summary>The file extension of Modelfiles in the catalog.</summary>
    public const string Extension = ".Modelfile";

    private HouseModelCatalog(string directory, IReadOnlyList<HouseModel> models, IReadOnlyList<Preset> presets)
    {
        Directory = directory;
        Models = models;
        Presets = presets;
    }

    /// <summary>The folder the catalog was read from.</summary>
    public string Directory { get; }

    /// <summary>House models, by file name order.</summary>
    public IReadOnlyList<HouseModel> Models { get; }

    /// <summary>Presets, in display order.</summary>
    public IReadOnlyList<Preset> Presets { get; }

    /// <summary>The preset marked <c># default: true</c>.</summary>
    public Preset DefaultPreset => Presets.Single(p => p.IsDefault);

    /// <summary>Finds a house model by name (with or without <c>:latest</c>).</summary>
    public HouseModel? FindModel(string name) => Models.FirstOrDefault(m => ModelName.AreSame(m.Name, name));

    /// <summary>Finds a preset by id (case-insensitive).</summary>
    public Preset? FindPreset(string id) => Presets.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads and validates the catalog in <paramref name="directory"/>.</summary>
    public static HouseModelCatalog Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The modelfiles folder '{directory}' does not exist.");
        }

        var models = System.IO.Directory.GetFiles(directory, "*" + Extension)
            .Order(StringComparer.Ordinal)
            .Select(path => new HouseModel(Path.GetFileNameWithoutExtension(path), Modelfile.Load(path)))
            .ToList();
        if (models.Count == 0)
        {
            throw new ModelfileException(directory, 0, $"no house model (*{Extension}) found");
        }

        var presetDir = Path.Combine(directory, "presets");
        var presets = System.IO.Directory.Exists(presetDir)
            ? System.IO.Directory.GetFiles(presetDir, "*" + Extension)
                .Select(path => Preset.FromModelfile(Path.GetFileNameWithoutExtension(path), Modelfile.Load(path)))
                .OrderBy(p => p.Order).ThenBy(p => p.Id, StringComparer.Ordinal)
                .ToList()
            : [];

        foreach (var preset in presets)
        {
            if (!models.Any(m => ModelName.AreSame(m.Name, preset.Model)))
            {
                throw new ModelfileException(Path.Combine(presetDir, preset.Id + Extension), 0,
                    $"FROM '{preset.Model}' is not a house model (known: {string.Join(", ", models.Select(m => m.Name))})");
            }
        }

        if (presets.Count > 0 && presets.Count(p => p.IsDefault) != 1)
        {
            throw new ModelfileException(presetDir, 0, "exactly one preset must say '# default: true'");
        }

        return new HouseModelCatalog(directory, models, presets);
    }

    /// <summary>
    /// Locates <c>modelfiles/</c>: an explicit path if given, else next to the program (it is copied
    /// into every build output), else the nearest one above the current directory (a source checkout).
    /// </summary>
    public static string LocateDirectory(string? configuredPath = null)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return Path.GetFullPath(configuredPath);
        }

        var besideProgram = Path.Combine(AppContext.BaseDirectory, DirectoryName);
        if (System.IO.Directory.Exists(besideProgram))
        {
            return besideProgram;
        }

        for (var dir = new DirectoryInfo(System.IO.Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DirectoryName);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No '{DirectoryName}' folder next to the program or above '{System.IO.Directory.GetCurrentDirectory()}'.");
    }
}
