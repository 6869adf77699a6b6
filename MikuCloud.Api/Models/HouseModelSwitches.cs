using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Accounts;
using MikuCloud.Api.Data;
using MikuCloud.HouseModels;

namespace MikuCloud.Api.Models;

/// <summary>
/// Which house models are on: every required one, the optional ones named in <c>HouseModels:Enabled</c> (a
/// comma-separated list or an array), and an admin's choice per optional model (<c>PUT /api/admin/models/{name}/enabled</c>,
/// stored in the install settings, so every replica sees it), which wins over configuration.
/// </summary>
public sealed class HouseModelSwitches(ChatDbContext db, HouseModelCatalog catalog, IConfiguration configuration)
{
    /// <summary>The configuration key the AppHost passes (<c>HouseModels__Enabled</c>).</summary>
    public const string EnabledKey = "HouseModels:Enabled";

    private const string SettingPrefix = "model_enabled:";

    /// <summary>The models on now, in catalog order.</summary>
    public async Task<IReadOnlyList<HouseModel>> EnabledAsync(CancellationToken cancellationToken)
    {
        var choices = await ChoicesAsync(cancellationToken);
        var configured = Configured(configuration);
        return [.. catalog.Models.Where(m => IsOn(m, configured, choices))];
    }

    /// <summary>Turns an optional model on or off (a required one is always on: 409 <c>model_required</c>).</summary>
    public async Task SetAsync(HouseModel model, bool enabled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsOptional)
        {
            throw new ApiProblem(409, ProblemCodes.ModelRequired, $"{model.Name} is a required house model: it is always on.");
        }

        var key = SettingPrefix + model.Name;
        var row = await db.Settings.FindAsync([key], cancellationToken);
        var value = enabled ? "true" : "false";
        if (row is null)
        {
            db.Settings.Add(new InstallSetting { Key = key, Value = value });
        }
        else
        {
            row.Value = value;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The optional models <c>HouseModels:Enabled</c> names (either form).</summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(EnabledKey);
        var values = section.Value is { } list ? [list] : section.GetChildren().Select(c => c.Value ?? "");
        return [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }

    private static bool IsOn(HouseModel model, IReadOnlyList<string> configured, Dictionary<string, bool> choices) =>
        !model.IsOptional
        || (choices.TryGetValue(model.Name, out var chosen) ? chosen : configured.Any(n => ModelName.AreSame(n, model.Name)));

    private async Task<Dictionary<string, bool>> ChoicesAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Settings.AsNoTracking().Where(s => s.Key.StartsWith(SettingPrefix)).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key[SettingPrefix.Length..], r => r.Value == "true", StringComparer.OrdinalIgnoreCase);
    }
}
