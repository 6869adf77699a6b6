using System.Globalization;
using System.Text.Json.Nodes;
using MikuCloud.HouseModels;
using MikuCloud.Web.Chat;

namespace MikuCloud.Tests.Web;

/// <summary>
/// The parameter panel's bounds and the API's option validation come from one table (OllamaParameterRanges):
/// whatever the panel accepts the API accepts, and whatever the panel refuses the API refuses too.
/// </summary>
public class ParameterRangeAgreementTests
{
    public static TheoryData<string> PanelOptions() => [.. ConversationSettingsModel.Parameters.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(PanelOptions))]
    public void Every_panel_option_is_one_the_api_lets_a_user_set_with_the_same_range(string name)
    {
        var panel = ConversationSettingsModel.Parameters.Single(p => p.Name == name);

        Assert.True(OllamaParameters.TryGet(name, out var api));
        Assert.True(api.UserTunable, $"{name} is on the panel but the API refuses it");
        Assert.Equal((api.Min, api.Max), (panel.Min, panel.Max));
        Assert.Equal(api.Kind == ParameterKind.Integer, panel.Integer);
    }

    [Theory]
    [MemberData(nameof(PanelOptions))]
    public void The_edges_of_each_range_are_accepted_by_the_panel_and_the_api_alike(string name)
    {
        var panel = ConversationSettingsModel.Parameters.Single(p => p.Name == name);

        foreach (var value in new[] { panel.Min, panel.Max })
        {
            Assert.Null(ConversationSettingsModel.Validate(panel, Text(value), out var parsed));
            Assert.Equal(value, parsed);
            Assert.Empty(ApiErrors(name, value, panel.Integer));
        }
    }

    [Theory]
    [MemberData(nameof(PanelOptions))]
    public void Just_outside_each_range_both_the_panel_and_the_api_refuse(string name)
    {
        var panel = ConversationSettingsModel.Parameters.Single(p => p.Name == name);

        foreach (var value in new[] { panel.Min - 1, panel.Max + 1 })
        {
            Assert.NotNull(ConversationSettingsModel.Validate(panel, Text(value), out var parsed));
            Assert.Null(parsed);
            Assert.Contains($"options.{name}", ApiErrors(name, value, panel.Integer).Keys);
        }
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static Dictionary<string, string[]> ApiErrors(string name, double value, bool integer)
    {
        var options = new JsonObject { [name] = integer ? JsonValue.Create((long)value) : JsonValue.Create(value) };
        MikuCloud.Api.Chat.OptionOverrides.Parse(options, out var errors);
        return errors;
    }
}
