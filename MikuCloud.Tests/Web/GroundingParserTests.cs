using MikuCloud.Web.Rendering;


namespace MikuCloud.Tests.Web;

/// <summary>Qwen3-VL grounding output in its various real-world shapes.</summary>
public class GroundingParserTests
{
    [Fact]
    public void Parses_a_fenced_json_array_of_boxes()
    {
        var boxes = GroundingParser.Parse("""
            图中有两只猫：
            ```json
            [
              {"bbox_2d": [100, 200, 500, 600], "label": "橘猫"},
              {"bbox_2d": [550, 120, 900, 880], "label": "黑猫"}
            ]
            ```
            """);

        Assert.Equal(2, boxes.Count);
        Assert.Equal(new GroundingBox("橘猫", 100, 200, 500, 600), boxes[0]);
        Assert.Equal("黑猫", boxes[1].Label);
    }

    [Fact]
    public void Parses_bare_objects_in_prose_with_trailing_commas_and_numeric_strings()
    {
        var boxes = GroundingParser.Parse("The dog is at {\"bbox_2d\": [\"10\", 20, 30.5, 40,], \"label\": \"dog\",} and that's it {not json}.");

        var box = Assert.Single(boxes);
        Assert.Equal(new GroundingBox("dog", 10, 20, 30.5, 40), box);
    }

    [Fact]
    public void Finds_boxes_nested_in_a_wrapper_object_and_alternative_label_keys()
    {
        var boxes = GroundingParser.Parse("{\"objects\": [{\"bbox_2d\": [1,2,3,4], \"name\": \"cup\"}, {\"bbox_2d\": [5,6,7,8]}]}");

        Assert.Equal(["cup", ""], boxes.Select(b => b.Label));
    }

    [Theory]
    [InlineData("no boxes here")]
    [InlineData("{\"bbox_2d\": [1, 2, 3]}")]
    [InlineData("{\"bbox_2d\": \"1,2,3,4\"}")]
    [InlineData("[{\"bbox_2d\": [100, 200, 500")] // still streaming
    [InlineData("{\"bbox_2d\": [1, 2, 3, NaN]}")]
    public void Ignores_text_without_well_formed_boxes(string text) => Assert.Empty(GroundingParser.Parse(text));

    [Fact]
    public void A_stray_brace_before_the_json_does_not_hide_it()
    {
        var boxes = GroundingParser.Parse("用 { 表示集合。结果：[{\"bbox_2d\": [0, 0, 1000, 1000], \"label\": \"全图\"}]");

        Assert.Equal("全图", Assert.Single(boxes).Label);
    }

    [Fact]
    public void Percentages_are_clamped_and_ordered()
    {
        var (left, top, width, height) = new GroundingBox("x", 1200, 600, -50, 200).Percent();

        Assert.Equal((0d, 20d, 100d, 40d), (left, top, width, height));
    }

    [Fact]
    public void Hostile_input_is_bounded()
    {
        var many = "[" + string.Join(",", Enumerable.Repeat("{\"bbox_2d\":[1,2,3,4],\"label\":\"a\"}", 500)) + "]";
        Assert.Equal(GroundingParser.MaxBoxes, GroundingParser.Parse(many).Count);

        var braces = new string('{', 100_000) + "bbox_2d";
        Assert.Empty(GroundingParser.Parse(braces));
    }
}
