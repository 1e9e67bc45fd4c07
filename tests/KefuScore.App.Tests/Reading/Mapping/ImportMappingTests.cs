using KefuScore.App.Reading.Mapping;

namespace KefuScore.App.Tests.Reading.Mapping;

public sealed class ImportMappingTests
{
    private const string Minimal = """
        fields:
          type: message
          id: { column: msg_id }
          shop: { value: s1 }
          conversation: { column: session }
          at: { column: time, format: "yyyy-MM-dd HH:mm:ss", offset: "+08:00" }
          sender: { column: role, values: { 买家: customer, 客服: agent } }
          agent: { column: nick, when_sender: agent }
        """;

    [Fact]
    public void Loads_constants_columns_value_maps_and_time_formats()
    {
        var m = ImportMapping.Parse(Minimal, "m.yaml");

        Assert.Equal(("s1", FieldSource.Constant), (m.Fields["shop"].Value, m.Fields["shop"].Source));
        Assert.Equal("msg_id", m.Fields["id"].Column!.Name);
        Assert.Equal("customer", m.Fields["sender"].Values!["买家"]);
        Assert.Equal(["agent"], m.Fields["agent"].WhenSender);
        Assert.Equal(["yyyy-MM-dd HH:mm:ss"], m.Fields["at"].Formats);
        Assert.Equal(TimeSpan.FromHours(8), m.Fields["at"].Offset);
        Assert.False(m.NeedsThreads);
        Assert.Equal(',', m.Csv.Delimiter);
    }

    [Fact]
    public void Errors_name_the_path_and_line()
    {
        var yaml = """
            csv: { delimiter: ";;" }
            fields:
              type: message
              id: { column: msg_id }
              shop: { value: s1 }
              conversation: { column: session }
              at: { column: time, format: "yyyy-MM-dd HH:mm:ss" }
              sender: { column: role, values: { a: robot } }
              agent: { column: nick, when_sender: agnet }
              colour: { value: red }
            """;
        var e = Assert.Throws<MappingException>(() => ImportMapping.Parse(yaml, "m.yaml"));

        Assert.Equal("m.yaml", e.MappingSource);
        Assert.Contains(e.Errors, x => x.Path == "csv.delimiter (line 1)");
        Assert.Contains(e.Errors, x => x.Path == "fields.at.format (line 7)" && x.Problem.Contains("has no offset", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path.StartsWith("fields.sender.values", StringComparison.Ordinal) && x.Problem.Contains("'robot'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path.StartsWith("fields.agent.when_sender", StringComparison.Ordinal) && x.Problem.Contains("'agnet'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path == "fields.colour (line 10)");
        Assert.StartsWith("m.yaml: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fields: { type: message }", "fields.id")]
    [InlineData("fields:\n  type: message\n  id: { column: a, value: b }\n  shop: s\n  at: { column: t }\n  conversation: c\n  sender: customer", "fields.id (line 3)")]
    [InlineData("fields:\n  type: message\n  id: { column: a }\n  shop: { thread: agent }\n  at: { column: t }\n  conversation: c\n  sender: customer", "fields.shop")]
    [InlineData("fields:\n  type: message\n  id: { column: a }\n  shop: s\n  at: { column: t }\n  conversation: { thread: root }\n  sender: customer", "fields.conversation")]
    [InlineData("fields:\n  type: message\n  id: { column: a }\n  shop: s\n  at: { column: t }\n  conversation: c\n  sender: customer\n  text: { column: x, format: iso }", "fields.text.format (line 8)")]
    [InlineData("format: xml\nfields: {}", "format")]
    [InlineData("fields: [a, b", "(line")]
    public void Rejects_mappings_that_cannot_produce_events(string yaml, string path)
    {
        var e = Assert.Throws<MappingException>(() => ImportMapping.Parse(yaml, "m.yaml"));
        Assert.Contains(e.Errors, x => x.Path.StartsWith(path, StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_twcs_example_loads()
    {
        var m = ImportMapping.Load(Path.Combine(Repo.Root, "docs", "examples", "twcs-mapping.yaml"));

        Assert.True(m.NeedsThreads);
        Assert.Equal(("tweet_id", "in_response_to_tweet_id", "response_tweet_id"), (m.Links!.Id.Name, m.Links.InReplyTo!.Name, m.Links.Replies!.Name));
        Assert.Equal(("agent", "root"), (m.Fields["shop"].Thread, m.Fields["conversation"].Thread));
    }

    [Fact]
    public void The_examples_in_the_mapping_docs_load()
    {
        var doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "mapping.md"));
        var blocks = doc.Split("```yaml\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();

        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, b => ImportMapping.Parse(b, "docs/mapping.md"));
    }

    [Fact]
    public void A_missing_file_is_a_mapping_error()
    {
        var e = Assert.Throws<MappingException>(() => ImportMapping.Load("/nonexistent/m.yaml"));
        Assert.Contains("cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+08:00", 8 * 60)]
    [InlineData("+0800", 8 * 60)]
    [InlineData("-05:30", -330)]
    [InlineData("Z", 0)]
    public void Offsets_read_with_or_without_colon(string text, int minutes)
    {
        Assert.True(ImportMapping.TryOffset(text, out var offset));
        Assert.Equal(TimeSpan.FromMinutes(minutes), offset);
    }
}

/// <summary>The repository's root: the folder holding KefuScore.slnx, found by walking up from the test binaries.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KefuScore.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"KefuScore.slnx not found above {AppContext.BaseDirectory}");
    }
}
