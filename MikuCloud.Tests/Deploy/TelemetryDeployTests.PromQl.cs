using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MikuCloud.Tests.Deploy;

/// <summary>Reading the Grafana dashboard: its PromQL expressions, and the metric and label names they use.</summary>
public partial class TelemetryDeployTests
{
    /// <summary>Every PromQL expression in the dashboard: panel targets and template variable queries.</summary>
    private static IEnumerable<string> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Repo.PathOf("deploy", "telemetry", "grafana", "mikucloud.json")))!;
        foreach (var node in Descendants(dashboard))
        {
            if (node is JsonObject target && target["expr"] is JsonValue expr)
            {
                yield return expr.GetValue<string>();
            }
        }

        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if (variable?["type"]?.GetValue<string>() == "query")
            {
                var query = variable["query"] is JsonObject q ? q["query"]!.GetValue<string>() : variable["query"]!.GetValue<string>();
                yield return LabelValues().Replace(query, "$1");
            }
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    /// <summary>Metric names in a PromQL expression (identifiers that are not functions, keywords, labels or durations).</summary>
    public static IEnumerable<string> MetricNames(string promql)
    {
        var text = Strings().Replace(promql, "\"\"");
        text = GrafanaVariables().Replace(text, " ");
        text = Matchers().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        return Identifiers().Matches(text).Select(m => m.Value).Where(i => !Keywords.Contains(i)).Distinct();
    }

    /// <summary>Label names in grouping clauses and matchers.</summary>
    public static IEnumerable<string> LabelNames(string promql)
    {
        var text = Strings().Replace(promql, "\"\"");
        foreach (Match grouping in Grouping().Matches(text))
        {
            foreach (var label in grouping.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                yield return label;
            }
        }

        foreach (Match matcher in Matchers().Matches(text))
        {
            foreach (Match label in MatcherLabel().Matches(matcher.Value))
            {
                yield return label.Groups[1].Value;
            }
        }
    }

    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"];

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\$\{[^}]*\}|\$\w+")]
    private static partial Regex GrafanaVariables();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"(?<![\w:.$])(?>[a-zA-Z_:][a-zA-Z0-9_:]*)(?!\s*\()")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex(@"^\s*label_values\(\s*([^,\s]+)\s*,.*\)\s*$")]
    private static partial Regex LabelValues();
}
