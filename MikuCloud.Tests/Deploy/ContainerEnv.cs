using System.Text.RegularExpressions;
using k8s.Models;

namespace MikuCloud.Tests.Deploy;

/// <summary>A container's environment as the kubelet builds it: envFrom ConfigMaps, then env (with $(VAR) expansion).</summary>
public static partial class ContainerEnv
{
    /// <summary>Value of a Secret reference (unknown offline).</summary>
    public const string SecretValue = "<secret>";

    /// <summary>Value of a downward-API field reference.</summary>
    public const string FieldValue = "<field>";

    public static IReadOnlyDictionary<string, string?> Of(Rendered rendered, V1Container container)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } map)
            {
                foreach (var (key, value) in rendered.ConfigMapNamed(map.Name)?.Data ?? new Dictionary<string, string>())
                {
                    env[(source.Prefix ?? "") + key] = value;
                }
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.ValueFrom switch
            {
                null => Expand(variable.Value ?? "", env),
                { ConfigMapKeyRef: { } key } => rendered.ConfigMapNamed(key.Name)?.Data[key.Key],
                { SecretKeyRef: not null } => SecretValue,
                { FieldRef: not null } => FieldValue,
                _ => null,
            };
        }

        return env;
    }

    /// <summary>Names a container's env values refer to with $(NAME).</summary>
    public static IEnumerable<string> References(V1Container container) =>
        (container.Env ?? []).Where(e => e.Value is not null).SelectMany(e => Reference().Matches(e.Value).Select(m => m.Groups[1].Value));

    private static string Expand(string value, Dictionary<string, string?> env) =>
        Reference().Replace(value, m => env.TryGetValue(m.Groups[1].Value, out var v) && v is not null ? v : m.Value);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
