using System.Reflection;
using System.Text.RegularExpressions;

namespace MikuCloud.Tests.Deploy;

/// <summary>
/// The configuration keys a service actually reads, derived from its source: direct reads
/// (<c>Configuration["X:Y"]</c>, <c>GetValue("X", default)</c>, <c>GetConnectionString("x")</c>, with a literal or a
/// constant) and options classes bound to a section (<c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>,
/// <c>Configure&lt;T&gt;(configuration.GetSection(section))</c> → every settable property of T).
/// A deployment that sets anything else sets a key nobody reads (a typo, or a setting that was renamed).
/// </summary>
public sealed partial class ConfigurationKeys
{
    /// <summary>
    /// Read by libraries rather than by MikuCloud's code: the OpenTelemetry SDK and OTLP exporter (the environment
    /// variables of the OpenTelemetry specification) and ASP.NET Core's host.
    /// </summary>
    public static readonly string[] LibraryKeys =
    [
        "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_METRIC_EXPORT_INTERVAL", "ASPNETCORE_ENVIRONMENT", "ASPNETCORE_FORWARDEDHEADERS_ENABLED",
    ];

    private ConfigurationKeys(IReadOnlySet<string> direct, IReadOnlyList<(string Section, Type Options)> sections, IReadOnlySet<string> discoveredServices)
    {
        Direct = direct;
        Sections = sections;
        DiscoveredServices = discoveredServices;
    }

    /// <summary>Keys read one by one (colon form).</summary>
    public IReadOnlySet<string> Direct { get; }

    /// <summary>Sections bound to options classes.</summary>
    public IReadOnlyList<(string Section, Type Options)> Sections { get; }

    /// <summary>Service names resolved through service discovery (<c>https+http://api</c> → <c>services:api:*</c>).</summary>
    public IReadOnlySet<string> DiscoveredServices { get; }

    /// <summary>Scans the given project folders; options types and section constants are resolved in <paramref name="assemblies"/>.</summary>
    public static ConfigurationKeys Read(IEnumerable<string> projectFolders, params Assembly[] assemblies)
    {
        var direct = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sections = new List<(string, Type)>();
        var services = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var types = assemblies.SelectMany(a => a.GetTypes()).ToList();
        foreach (var folder in projectFolders)
        {
            foreach (var file in Directory.EnumerateFiles(Repo.PathOf(folder), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var code = File.ReadAllText(file);
                // Arguments are string literals or constants (ConnectionName, ChatDatabaseSetup.ConnectionName).
                var declared = DeclaredTypes().Matches(code).Select(m => m.Groups[1].Value).ToList();
                string Value(string expression) => Constant(expression.Trim(), declared, types, file);
                direct.UnionWith(IndexerRead().Matches(code).Select(m => Value(m.Groups[1].Value)));
                direct.UnionWith(GetValueRead().Matches(code).Select(m => Value(m.Groups[1].Value)));
                // A section read as a value or a list (GetSection(key).Value / GetChildren(): HouseModels:Enabled).
                direct.UnionWith(SectionRead().Matches(code).Select(m => Value(m.Groups[1].Value)));
                direct.UnionWith(ConnectionStringRead().Matches(code).Select(m => "ConnectionStrings:" + Value(m.Groups[1].Value)));
                direct.UnionWith(AspireRedisClient().Matches(code).Select(m => "ConnectionStrings:" + Value(m.Groups[1].Value)));
                services.UnionWith(DiscoveryUri().Matches(code).Select(m => m.Groups[1].Value));
                foreach (Match bind in OptionsBinding().Matches(code))
                {
                    // AddOptions<T>().BindConfiguration(section) or Configure<T>(configuration.GetSection(section)).
                    var (typeName, section) = bind.Groups[1].Success ? (bind.Groups[1].Value, bind.Groups[2].Value) : (bind.Groups[3].Value, bind.Groups[4].Value);
                    var type = types.SingleOrDefault(t => t.Name == typeName)
                               ?? throw new InvalidOperationException($"{file}: options type {typeName} not found");
                    sections.Add((Value(section), type));
                }

                sections.AddRange(SectionsBoundThroughLocals(code, Value, types, file));
            }
        }

        return new ConfigurationKeys(direct, sections, services);
    }

    /// <summary><c>var section = configuration.GetSection(X);</c> … <c>AddOptions&lt;T&gt;().Bind(section)</c> (OllamaReplicasSetup).</summary>
    private static IEnumerable<(string Section, Type Options)> SectionsBoundThroughLocals(string code, Func<string, string> value, List<Type> types, string file)
    {
        var locals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match local in SectionLocal().Matches(code))
        {
            locals[local.Groups[1].Value] = local.Groups[2].Value;
        }

        foreach (Match bind in OptionsBoundToLocal().Matches(code))
        {
            if (locals.TryGetValue(bind.Groups[2].Value, out var section))
            {
                var type = types.SingleOrDefault(t => t.Name == bind.Groups[1].Value)
                           ?? throw new InvalidOperationException($"{file}: options type {bind.Groups[1].Value} not found");
                yield return (value(section), type);
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> (environment form, <c>__</c> for <c>:</c>) is read by the code or a library.</summary>
    public bool Reads(string key)
    {
        var colon = key.Replace("__", ":", StringComparison.Ordinal);
        if (LibraryKeys.Contains(key, StringComparer.OrdinalIgnoreCase) || Direct.Contains(colon))
        {
            return true;
        }

        foreach (var (section, options) in Sections)
        {
            if (colon.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)
                && options.GetProperty(colon[(section.Length + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true })
            {
                return true;
            }
        }

        // Microsoft.Extensions.ServiceDiscovery's configuration provider: services:<name>:<endpoint>:<index>.
        var discovery = ServiceDiscoveryKey().Match(colon);
        return discovery.Success && DiscoveredServices.Contains(discovery.Groups[1].Value);
    }

    /// <summary>A string literal, or a constant: <c>Type.Name</c>, or <c>Name</c> declared in a type of the same file.</summary>
    private static string Constant(string expression, List<string> declaredInFile, List<Type> types, string file)
    {
        if (expression.StartsWith('"'))
        {
            return expression.Trim('"');
        }

        var parts = expression.Split('.');
        var owners = parts.Length > 1 ? [parts[^2]] : declaredInFile;
        var field = types.Where(t => owners.Contains(t.Name))
            .Select(t => t.GetField(parts[^1], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .FirstOrDefault(f => f is { IsLiteral: true });
        return field?.GetRawConstantValue() as string ?? throw new InvalidOperationException($"{file}: cannot resolve the configuration key {expression}");
    }

    [GeneratedRegex("""[Cc]onfiguration\[\s*("[^"]+"|[A-Z][\w.]*)\s*\]""")]
    private static partial Regex IndexerRead();

    [GeneratedRegex("""\bGetValue(?:<[^>]+>)?\(\s*("[^"]+"|[A-Z][\w.]*)\s*[,)]""")]
    private static partial Regex GetValueRead();

    [GeneratedRegex("""\bGetSection\(\s*("[^"]+"|[A-Z][\w.]*)\s*\)""")]
    private static partial Regex SectionRead();

    [GeneratedRegex("""GetConnectionString\(\s*("[^"]+"|[A-Z][\w.]*)\s*\)""")]
    private static partial Regex ConnectionStringRead();

    [GeneratedRegex("""\bAdd(?:Keyed)?Redis(?:Client|DistributedCache|OutputCache)\(\s*(?:connectionName:\s*)?("[^"]+"|[A-Z][\w.]*)\s*[,)]""")]
    private static partial Regex AspireRedisClient();

    [GeneratedRegex("""\bvar\s+(\w+)\s*=\s*[\w.]*\.GetSection\(\s*("[^"]+"|[A-Z][\w.]*)\s*\)\s*;""")]
    private static partial Regex SectionLocal();

    [GeneratedRegex(@"AddOptions<(\w+)>\(\)\s*\.Bind\(\s*(\w+)\s*\)")]
    private static partial Regex OptionsBoundToLocal();

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(\w+)")]
    private static partial Regex DeclaredTypes();

    [GeneratedRegex("""AddOptions<(\w+)>\(\)\s*\.BindConfiguration\(\s*([^)]+?)\s*\)|Configure<(\w+)>\(\s*\w+\.GetSection\(\s*([^)]+?)\s*\)\s*\)""")]
    private static partial Regex OptionsBinding();

    [GeneratedRegex("""["'](?:https?\+)?https?://([a-z0-9][a-z0-9-]*)["'/]""")]
    private static partial Regex DiscoveryUri();

    [GeneratedRegex("^services:([^:]+):[^:]+:[0-9]+$", RegexOptions.IgnoreCase)]
    private static partial Regex ServiceDiscoveryKey();
}
