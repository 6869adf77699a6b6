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

    /// <summary>
    /// The chat model new conversations get: the one marked <c># default: true</c>, else the first required chat model
    /// by name (one every install provisions), else the first chat model by name.
    /// </summary>
    public HouseModel DefaultModel =>
        Models.FirstOrDefault(m => m.IsDefault)
        ?? Models.FirstOrDefault(m => m.IsChat && !m.IsOptional)
        ?? Models.First(m => m.IsChat);

    /// <summary>
    /// The models to provision: every required one, and the optional ones named in <paramref name="enabledOptional"/>
    /// (names with or without <c>:latest</c>; unknown names are ignored here and reported by the caller).
    /// </summary>
    public IReadOnlyList<HouseModel> Enabled(IEnumerable<string> enabledOptional)
    {
        ArgumentNullException.ThrowIfNull(enabledOptional);
        var names = enabledOptional.ToList();
        return [.. Models.Where(m => !m.IsOptional || names.Any(n => ModelName.AreSame(m.Name, n)))];
    }

    /// <summary>
    /// The presets a chat model can use: those whose <c>FROM</c> names it, then those its <c># presets:</c> line borrows
    /// (<c>*</c> borrows all). Embedding models have none.
    /// </summary>
    public IReadOnlyList<Preset> PresetsFor(HouseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsChat)
        {
            return [];
        }

        var borrowsAll = model.PresetNames.Contains("*");
        return [.. Presets.Where(p => ModelName.AreSame(p.Model, model.Name)
            || borrowsAll || model.PresetNames.Contains(p.Id, StringComparer.OrdinalIgnoreCase))];
    }

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

        if (!models.Any(m => m.IsChat))
        {
            throw new ModelfileException(directory, 0, "no chat model (every house model says '# purpose: embedding')");
        }

        if (models.Count(m => m.IsDefault) > 1)
        {
            throw new ModelfileException(directory, 0, "at most one house model may say '# default: true'");
        }

        if (models.FirstOrDefault(m => m.IsDefault) is { } marked && (!marked.IsChat || marked.IsOptional))
        {
            throw new ModelfileException(marked.Modelfile.Source, 0, "the default model must be a chat model that is not optional");
        }

        foreach (var model in models)
        {
            foreach (var name in model.PresetNames.Where(n => n != "*"))
            {
                if (!presets.Any(p => string.Equals(p.Id, name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ModelfileException(model.Modelfile.Source, 0, $"'# presets:' names '{name}', which is not in presets/");
                }
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
