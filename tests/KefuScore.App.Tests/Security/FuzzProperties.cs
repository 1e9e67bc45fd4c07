using System.IO.Compression;
using System.Text;
using FsCheck.Xunit;
using KefuScore.App.Calendars;
using KefuScore.App.Complaints;
using KefuScore.App.Faq;
using KefuScore.App.Incentives;
using KefuScore.App.Profiles;
using KefuScore.App.Quality;
using KefuScore.App.Reading;
using KefuScore.App.Reading.Mapping;
using KefuScore.App.Reconciliation;
using KefuScore.App.Staffing;
using KefuScore.App.Training;
using KefuScore.App.Yaml;
using KefuScore.Engine.Profiles;
using MiniExcelLibs;

namespace KefuScore.App.Tests.Security;

/// <summary>
/// Issue 17, build item 7 (the parsers): mutated inputs fed to every reader end in a clean accept or a clean refusal
/// (the reader's own "cannot be used" exception), never another exception, a crash or a reason quoting a huge value.
/// FsCheck draws the seeds; each seed picks its mutations, so a failing case replays from its seed.
/// </summary>
public sealed class FuzzProperties
{
    /// <summary>Bytes and snippets that matter to the formats' syntax, plus the instants at the edges.</summary>
    private static readonly string[] Snippets =
    [
        "{", "}", "[", "]", "\"", "'", ":", ",", "\n", "\r\n", "\r", "\t", " ", "\\", "\\u", "\\ud800", "&a ", "*a", "!!str ", "|", ">",
        "- ", "#", "? ", "%YAML 1.2\n", "---\n", "...\n", "<<: *a\n", "\0", "\uFEFF", "长", "😀", "\ud800", "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+14:00", "2026-11-20T10:00:00+08:00", "1e309", "-1", "99999999999999999999", "null", "true", "~",
        "<", ">", "&amp;", "<![CDATA[", "]]>", "<!DOCTYPE x [<!ENTITY e \"e\">]>", "&e;",
    ];

    internal static string Mutate(string text, int seed)
    {
        var random = new Random(seed);
        var b = new StringBuilder(text);
        var count = 1 + random.Next(8);
        for (var i = 0; i < count; i++)
        {
            var at = b.Length == 0 ? 0 : random.Next(b.Length);
            var length = b.Length == 0 ? 0 : random.Next(Math.Min(40, b.Length - at) + 1);
            switch (random.Next(6))
            {
                case 0: b.Remove(at, length); break;
                case 1: b.Insert(at, Snippets[random.Next(Snippets.Length)]); break;
                case 2: b.Insert(at, b.ToString(at, length)); break;
                case 3: b.Insert(at, new string((char)random.Next(0x20, 0x7f), random.Next(1, 200))); break;
                case 4:
                    var depth = random.Next(1, 3_000);
                    b.Insert(at, new string(random.Next(2) == 0 ? '[' : '{', depth));
                    break;
                default:
                    if (length > 0) b[at] = (char)random.Next(0, 0x3000);
                    break;
            }
        }
        return b.ToString();
    }

    private static bool Clean(Exception? e) =>
        e is null or InputFileException or ProfileException or YamlFileException or MappingException or FaqException or PlatformFiguresException;

    private static bool ReadsCleanly(Func<IEnumerable<ReadItem>> read)
    {
        var e = Record.Exception(() =>
        {
            foreach (var item in read())
            {
                if (item.Event is null == (item.Rejected is null)) throw new InvalidOperationException("exactly one of Event and Rejected");
                if (item.Rejected is { } r && r.Reason.Length > 400) throw new InvalidOperationException($"reason of {r.Reason.Length} characters");
            }
        });
        Assert.True(Clean(e), e?.ToString());
        return true;
    }

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Property(MaxTest = 200)]
    public bool Mutated_json_lines_are_read_or_rejected(int seed)
    {
        var text = Mutate(InstantRangeTests.Lines, seed);
        return ReadsCleanly(() => EventFiles.Read(Utf8(text), EventFileFormat.JsonLines, "fuzz.jsonl"));
    }

    private const string Csv = """"
        type,id,shop,at,conversation,customer,sender,agent,text,stars
        message,m1,s1,2026-11-20T10:00:00+08:00,c1,u1,customer,,"在吗, 亲",
        message,m2,s1,2026-11-20T10:01:00+08:00,c1,,agent,a1,"您好 ""在的""",
        rating,r1,s1,2026-11-20T10:05:00+08:00,c1,,,a1,,5
        """";

    [Property(MaxTest = 200)]
    public bool Mutated_csv_is_read_or_rejected(int seed)
    {
        var text = Mutate(Csv, seed);
        return ReadsCleanly(() => EventFiles.Read(Utf8(text), EventFileFormat.Csv, "fuzz.csv"));
    }

    private static readonly Lazy<byte[]> Workbook = new(() =>
    {
        using var stream = new MemoryStream();
        stream.SaveAs(new List<Dictionary<string, object?>>
        {
            new() { ["type"] = "message", ["id"] = "m1", ["shop"] = "s1", ["at"] = "2026-11-20T10:00:00+08:00", ["conversation"] = "c1", ["sender"] = "customer", ["text"] = "在吗", ["agent"] = null, ["stars"] = null },
            new() { ["type"] = "rating", ["id"] = "r1", ["shop"] = "s1", ["at"] = "2026-11-20T10:05:00+08:00", ["conversation"] = "c1", ["sender"] = null, ["text"] = null, ["agent"] = "a1", ["stars"] = 5 },
        });
        return stream.ToArray();
    });

    /// <summary>The workbook with one of its XML parts mutated as text (so the zip stays readable and the XML is what breaks).</summary>
    private static byte[] MutatedWorkbook(int seed)
    {
        using var source = new ZipArchive(new MemoryStream(Workbook.Value), ZipArchiveMode.Read);
        var parts = source.Entries.Select(e => e.FullName).ToList();
        var victim = parts[(int)((uint)seed % (uint)parts.Count)];
        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                var text = reader.ReadToEnd();
                if (entry.FullName == victim) text = Mutate(text, seed);
                using var writer = new StreamWriter(target.CreateEntry(entry.FullName).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }
        return output.ToArray();
    }

    [Property(MaxTest = 100)]
    public bool Mutated_xlsx_is_read_or_refused(int seed)
    {
        var bytes = MutatedWorkbook(seed);
        return ReadsCleanly(() => EventFiles.Read(new MemoryStream(bytes), EventFileFormat.Xlsx, "fuzz.xlsx"));
    }

    [Property(MaxTest = 100)]
    public bool Xlsx_with_flipped_bytes_is_read_or_refused(int seed)
    {
        var bytes = (byte[])Workbook.Value.Clone();
        var random = new Random(seed);
        for (var i = 0; i < 1 + random.Next(16); i++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        return ReadsCleanly(() => EventFiles.Read(new MemoryStream(bytes), EventFileFormat.Xlsx, "fuzz.xlsx"));
    }

    /// <summary>Every YAML reader with the text it is given; the exception it throws when the text cannot be used is a clean refusal.</summary>
    private static readonly (string Name, Func<string> Text, Action<string> Parse)[] YamlReaders =
    [
        ("calendar", () => ShopSettings.AlwaysOpenCalendar, t => CalendarLoader.Compile(CalendarLoader.Parse(t, "fuzz"))),
        ("complaints", ComplaintPolicyLoader.BuiltInText, t => ComplaintPolicyLoader.Parse(t, "fuzz")),
        ("faq_policy", () => "off_hours: true\noverflow_waiting: 5\nat_capacity: true\nmin_coverage: 0.4\n", t => FaqPolicyLoader.Parse(t, "fuzz")),
        ("incentives", IncentivesLoader.BuiltInText, t => IncentivesLoader.Parse(t, "fuzz")),
        ("inspection", InspectionLoader.BuiltInText, t => InspectionLoader.Parse(t, "fuzz")),
        ("training", TrainingLoader.BuiltInText, t => TrainingLoader.Parse(t, "fuzz")),
        ("shifts", () => "shifts:\n  - { id: day, length: 8h, starts: [\"09:00\"] }\n", t => ShiftLoader.Parse(t, "fuzz")),
        ("mapping", () => File.ReadAllText(MappingExample()), t => ImportMapping.Parse(t, "fuzz")),
    ];

    private static string MappingExample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "examples", "twcs-mapping.yaml");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("docs/examples/twcs-mapping.yaml");
    }

    private static CompiledProfile Compile(Engine.Profiles.Profile profile) => CompiledProfile.Compile(profile, TimeZones.Find(profile.TimeZone, profile.Source));

    [Property(MaxTest = 150)]
    public bool Mutated_built_in_profiles_load_or_are_refused(int seed)
    {
        var ids = ProfileCatalog.BuiltInIds;
        var id = ids[(int)((uint)seed % (uint)ids.Count)];
        var text = Mutate(ProfileCatalog.BuiltInText(id)!, seed);
        var e = Record.Exception(() => Compile(ProfileLoader.Parse(text, "fuzz.yaml")));
        Assert.True(Clean(e), e?.ToString());
        return true;
    }

    [Property(MaxTest = 150)]
    public bool Mutated_settings_and_mappings_load_or_are_refused(int seed)
    {
        var (name, text, parse) = YamlReaders[(int)((uint)seed % (uint)YamlReaders.Length)];
        var e = Record.Exception(() => parse(Mutate(text(), seed)));
        Assert.True(Clean(e), $"{name}: {e}");
        return true;
    }

    [Property(MaxTest = 60)]
    public bool Deep_nesting_and_alias_fans_of_any_size_are_refused_or_read(int seed)
    {
        var random = new Random(seed);
        var b = new StringBuilder();
        var depth = random.Next(1, 40_000);
        if (random.Next(2) == 0) b.Append("grades: ").Append('[', depth).Append(']', depth).Append('\n');
        else for (var i = 0; i < Math.Min(depth, 3_000); i++) b.Append(' ', i).Append("k:\n");
        var keys = random.Next(1, 400);
        b.Append("anchor: &a {");
        for (var i = 0; i < keys; i++) b.Append(i == 0 ? "" : ", ").Append('u').Append(i).Append(": 1");
        b.Append("}\nrules: [");
        var repeats = random.Next(1, 5_000);
        for (var i = 0; i < repeats; i++) b.Append(i == 0 ? "*a" : ",*a");
        b.Append("]\n");
        var text = b.ToString();
        foreach (var (name, _, parse) in YamlReaders)
        {
            var e = Record.Exception(() => parse(text));
            Assert.True(Clean(e), $"{name}: {e}");
            if (e is not null) Assert.True(e.Message.Length < 50_000, $"{name}: a message of {e.Message.Length} characters");
        }
        var p = Record.Exception(() => ProfileLoader.Parse(text, "fuzz.yaml"));
        Assert.True(Clean(p), p?.ToString());
        return true;
    }

    [Property(MaxTest = 100)]
    public bool Mutated_faq_knowledge_bases_and_platform_figures_load_or_are_refused(int seed)
    {
        var faq = Mutate("question,answer,keywords\n发货时间,48小时内发货,发货 快递\n\"退货\"\"吗\",支持七天无理由,退货\n", seed);
        var e = Record.Exception(() => FaqCsv.Parse(faq, "fuzz"));
        Assert.True(Clean(e), e?.ToString());
        var figures = Mutate("date,metric,value,shop\n2026-11-20,reply_rate_3min,97.5%,s1\n2026-11-21,reply_rate_3min,0.96,s1\n", seed);
        e = Record.Exception(() => PlatformFigures.Read(Utf8(figures), "fuzz"));
        Assert.True(Clean(e), e?.ToString());
        return true;
    }

    private const string TwcsRows = """
        ,tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
        0,1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand.,2,3.0
        1,2,115712,True,Tue Oct 31 22:11:45 +0000 2017,@sprintcare and how do you propose we do that,,1.0
        2,3,115712,True,Tue Oct 31 22:08:27 +0000 2017,@sprintcare I have sent several private messages,1,
        """;

    [Property(MaxTest = 60)]
    public bool Mutated_exports_read_through_a_mapping_are_read_or_refused(int seed)
    {
        var mapping = ImportMapping.Load(MappingExample());
        var path = Path.Combine(Path.GetTempPath(), $"kefu-fuzz-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllBytes(path, Encoding.UTF8.GetBytes(Mutate(TwcsRows, seed)));
            return ReadsCleanly(() => EventFiles.Read(path, mapping));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static readonly Lazy<byte[]> ParquetFile = new(() =>
    {
        Parquet.Schema.DataField<string> type = new("type"), id = new("id"), shop = new("shop"), at = new("at"), conversation = new("conversation"), sender = new("sender");
        Parquet.Schema.DataField<int?> stars = new("stars");
        using var stream = new MemoryStream();
        var writer = Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(type, id, shop, at, conversation, sender, stars), stream).GetAwaiter().GetResult();
        {
            using var g = writer.CreateRowGroup();
            g.WriteAsync(type, new string?[] { "message", "rating" }).GetAwaiter().GetResult();
            g.WriteAsync(id, new string?[] { "m1", "r1" }).GetAwaiter().GetResult();
            g.WriteAsync(shop, new string?[] { "s1", "s1" }).GetAwaiter().GetResult();
            g.WriteAsync(at, new string?[] { "2026-11-20T10:00:00+08:00", "9999-12-31T23:59:59Z" }).GetAwaiter().GetResult();
            g.WriteAsync(conversation, new string?[] { "c1", "c1" }).GetAwaiter().GetResult();
            g.WriteAsync(sender, new string?[] { "customer", null }).GetAwaiter().GetResult();
            g.WriteAsync<int>(stars, new int?[] { null, 5 }).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return stream.ToArray();
    });

    private static byte[] FlippedParquet(int seed)
    {
        var bytes = (byte[])ParquetFile.Value.Clone();
        var random = new Random(seed);
        for (var i = 0; i < 1 + random.Next(6); i++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        return bytes;
    }

    [Property(MaxTest = 60)]
    public bool Parquet_with_flipped_bytes_is_read_or_refused(int seed)
    {
        var bytes = FlippedParquet(seed);
        return ReadsCleanly(() => EventFiles.Read(new MemoryStream(bytes), EventFileFormat.Parquet, "fuzz.parquet"));
    }

    [Fact]
    public void The_undamaged_parquet_file_on_disk_takes_the_page_decoder()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kefu-fuzz-{Guid.NewGuid():N}.parquet");
        File.WriteAllBytes(path, ParquetFile.Value);
        try
        {
            var (events, rejected, decoded) = Reading.Reads.ThroughSource(path, pages: true);
            Assert.Equal((1, 1, 1), (decoded, events.Count, rejected.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A file on disk takes the page decoder (a memory stream does not): damaged pages too are read or refused.</summary>
    [Property(MaxTest = 60)]
    public bool Parquet_file_with_flipped_bytes_is_read_or_refused_through_the_page_decoder(int seed)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kefu-fuzz-{Guid.NewGuid():N}.parquet");
        File.WriteAllBytes(path, FlippedParquet(seed));
        try
        {
            return ReadsCleanly(() => EventFiles.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
