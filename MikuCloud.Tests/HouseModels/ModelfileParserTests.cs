using MikuCloud.HouseModels;

namespace MikuCloud.Tests.HouseModels;

public class ModelfileParserTests
{
    [Fact]
    public void Parses_every_instruction_with_quoting_and_blocks()
    {
        var text = """
            # title.en: Demo
            # A free comment: not metadata because of the spaces.
            from qwen3-vl:8b-instruct-q4_K_M
            PARAMETER temperature 0.7
            parameter TOP_K 20
            PARAMETER stop "<|im_end|>"
            PARAMETER stop "say \"bye\""
            PARAMETER penalize_newline false
            SYSTEM '''第一行
            second line with "quotes"
            '''
            TEMPLATE "{{ .Prompt }}"
            MESSAGE user 你好
            MESSAGE assistant '''Hi!
            How can I help?'''
            ADAPTER ./lora.gguf
            LICENSE '''Apache 2.0'''
            LICENSE MIT
            REQUIRES 0.30.0
            """.Replace("'''", "\"\"\"", StringComparison.Ordinal);

        var m = Modelfile.Parse(text, "demo.Modelfile");

        Assert.Equal("qwen3-vl:8b-instruct-q4_K_M", m.From);
        Assert.Equal(0.7, m.Parameters["temperature"]);
        Assert.Equal(20L, m.Parameters["top_k"]);
        Assert.Equal(false, m.Parameters["penalize_newline"]);
        Assert.Equal(["<|im_end|>", "say \"bye\""], (IEnumerable<string>)m.Parameters["stop"]);
        Assert.Equal("第一行\nsecond line with \"quotes\"\n", m.System);
        Assert.Equal("{{ .Prompt }}", m.Template);
        Assert.Equal([new ModelfileMessage("user", "你好"), new ModelfileMessage("assistant", "Hi!\nHow can I help?")], m.Messages);
        Assert.Equal("./lora.gguf", m.Adapter);
        Assert.Equal(["Apache 2.0", "MIT"], m.Licenses);
        Assert.Equal("0.30.0", m.Requires);
        Assert.Equal("Demo", m.Metadata["title.en"]);
        Assert.Single(m.Metadata);
    }

    [Theory]
    [InlineData("FROM a\nPARAMETER temprature 0.7", 2, "unknown PARAMETER 'temprature'")]
    [InlineData("PARAMETER temperature 0.7", 0, "no FROM instruction")]
    [InlineData("FROM a\nPARAMETER temperature hot", 2, "'hot' is not a valid number for temperature")]
    [InlineData("FROM a\nPARAMETER top_p 7", 2, "top_p must be between 0 and 1, not 7")]
    [InlineData("FROM a\nPARAMETER num_ctx 1.5", 2, "not a valid whole number for num_ctx")]
    [InlineData("FROM a\n\nSYSTEM \"\"\"never closed\nstill open", 3, "unterminated \"\"\" block")]
    [InlineData("FROM a\nSYSTEM \"open", 2, "unterminated quoted value")]
    [InlineData("FROM a\nFROM b", 2, "FROM is given twice")]
    [InlineData("FROM a\nSYSTEM x\nSYSTEM y", 3, "SYSTEM is given twice")]
    [InlineData("FROM a\nMESSAGE robot hi", 2, "MESSAGE role must be system, user or assistant")]
    [InlineData("FROM a\nINCLUDE other", 2, "unknown instruction 'INCLUDE'")]
    [InlineData("FROM a\nPARAMETER temperature", 2, "PARAMETER temperature needs a value")]
    [InlineData("FROM", 1, "FROM needs a model name")]
    [InlineData("FROM a\nSYSTEM \"x\" trailing", 2, "unexpected text after closing quote")]
    public void Malformed_modelfiles_name_file_line_and_reason(string text, int line, string reason)
    {
        var ex = Assert.Throws<ModelfileException>(() => Modelfile.Parse(text, "bad.Modelfile"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(line > 0 ? $"bad.Modelfile:{line}: " : "bad.Modelfile: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_line_endings_and_blank_lines_are_fine()
    {
        var m = Modelfile.Parse("FROM a\r\n\r\nPARAMETER num_ctx 4096\r\nSYSTEM \"\"\"x\r\ny\"\"\"\r\n");

        Assert.Equal(4096L, m.Parameters["num_ctx"]);
        Assert.Equal("x\ny", m.System);
    }

    [Theory]
    [InlineData("miku-vl", "miku-vl:latest")]
    [InlineData("Miku-VL:latest", "miku-vl:latest")]
    [InlineData("qwen3-vl:8b-instruct-q4_K_M", "qwen3-vl:8b-instruct-q4_k_m")]
    [InlineData("registry.local:5000/team/miku", "registry.local:5000/team/miku:latest")]
    public void Model_names_normalise_latest(string name, string expected)
    {
        Assert.Equal(expected, ModelName.Normalize(name));
        Assert.True(ModelName.AreSame(name, expected));
    }

    [Fact]
    public void Different_tags_are_different_models() =>
        Assert.False(ModelName.AreSame("qwen3-vl:8b-instruct-q4_K_M", "qwen3-vl:8b-instruct-q8_0"));
}
