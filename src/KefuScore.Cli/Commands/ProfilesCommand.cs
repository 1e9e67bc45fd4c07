using System.CommandLine;
using KefuScore.App.Profiles;
using KefuScore.Engine.Profiles;
using Spectre.Console;

namespace KefuScore.Cli.Commands;

/// <summary><c>kefu profiles</c> lists the built-in profiles; <c>kefu profiles show ID|PATH</c> prints one (after checking it).</summary>
internal static class ProfilesCommand
{
    public static Command Create(CliOutput io)
    {
        var format = Formats.Option("json", "table");
        var list = new Command("profiles", "List the built-in rule profiles, or show one") { format };
        list.SetAction(parse =>
        {
            var profiles = ProfileCatalog.BuiltInIds.Select(ProfileCatalog.Load).ToList();
            if (Formats.Resolve(parse.GetValue(format), io) == "json")
            {
                Json.Emit(io, s =>
                {
                    using var w = new System.Text.Json.Utf8JsonWriter(s, App.Reports.ReportJson.Options);
                    w.WriteStartArray();
                    foreach (var p in profiles)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", p.Id);
                        w.WriteString("name", p.Name("zh-CN"));
                        w.WriteString("name_en", p.Name("en"));
                        w.WriteString("timezone", p.TimeZone);
                        w.WriteString("period", p.Period.ToString().ToLowerInvariant());
                        w.WriteStartArray("metrics");
                        foreach (var m in p.Metrics) w.WriteStringValue(m.Id);
                        w.WriteEndArray();
                        w.WriteStartArray("assessments");
                        foreach (var a in p.Assessments) w.WriteStringValue(a.Id);
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
            }
            else
            {
                var console = Consoles.For(io);
                var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "名称 name", "period", "metrics", "assessments");
                foreach (var p in profiles)
                    table.AddRow(Markup.Escape(p.Id), Markup.Escape($"{p.Name("zh-CN")} / {p.Name("en")}"), p.Period.ToString().ToLowerInvariant(),
                        Markup.Escape(string.Join(", ", p.Metrics.Select(m => m.Id))), Markup.Escape(string.Join(", ", p.Assessments.Select(a => a.Id))));
                console.Write(table);
            }
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("profile") { Description = "Built-in id or a YAML file" };
        var show = new Command("show", "Print a profile's YAML after checking it (errors name the path in the document)") { id };
        show.SetAction(parse =>
        {
            var which = parse.GetValue(id)!;
            try
            {
                ProfileCatalog.Compile(which);
            }
            catch (ProfileException e)
            {
                throw new CliException($"profile {e.ProfileSource}:\n  " + string.Join("\n  ", e.Errors));
            }
            io.Out.Write(ProfileCatalog.BuiltInText(which) ?? File.ReadAllText(which));
            return ExitCodes.Ok;
        });
        list.Subcommands.Add(show);
        return list;
    }
}
