using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KefuScore.App.Reports;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Learning;

/// <summary>A model file that cannot be used: its source and what is wrong.</summary>
public sealed class TextModelException : Exception
{
    public TextModelException() : base("the model file cannot be used") { }

    public TextModelException(string message) : base(message) { }

    public TextModelException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// A <see cref="LinearTextModel"/> as a JSON file (issue 18), the form a shop's retrained model is kept in and the
/// built-in ones ship in: <c>{"format":"kefu-text-model","version":1,"kind":"inspection"|"faq","bits":18,
/// "softmax":false,"outputs":[{"label","bias","slope","offset","threshold","weights":[[slot,weight],…]}]}</c>; only
/// non-zero weights are written. Extra fields (what it was trained on) are kept in <c>trained</c>.
/// </summary>
public static class TextModelFile
{
    public const string Format = "kefu-text-model";

    public static void Write(Stream output, string kind, LinearTextModel model, IReadOnlyDictionary<string, string>? trained = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ReportJson.Options.Encoder });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", 1);
        w.WriteString("kind", kind);
        w.WriteNumber("bits", model.Bits);
        w.WriteBoolean("softmax", model.Softmax);
        w.WriteStartObject("cues");
        foreach (var (name, patterns) in model.Cues.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            w.WriteStartArray(name);
            foreach (var p in patterns) w.WriteStringValue(p);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (trained is not null)
        {
            w.WriteStartObject("trained");
            foreach (var (k, v) in trained) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteStartArray("outputs");
        foreach (var o in model.Outputs)
        {
            w.WriteStartObject();
            w.WriteString("label", o.Label);
            w.WriteNumber("bias", Math.Round(o.Bias, 6));
            w.WriteNumber("slope", Math.Round(o.Slope, 6));
            w.WriteNumber("offset", Math.Round(o.Offset, 6));
            w.WriteNumber("threshold", Math.Round(o.Threshold, 4));
            w.WriteStartArray("weights");
            for (var i = 0; i < o.Weights.Length; i++)
            {
                if (o.Weights[i] == 0) continue;
                w.WriteStartArray();
                w.WriteNumberValue(i);
                w.WriteNumberValue(Math.Round(o.Weights[i], 5));
                w.WriteEndArray();
            }
            w.WriteEndArray();
            if (o.Stack is { } stack) WriteStack(w, stack);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // Thresholds and leaves as the shortest text that reads back to the same number: a tree's decision must not move.
    private static void WriteStack(Utf8JsonWriter w, StackedTrees stack)
    {
        w.WriteStartObject("stack");
        w.WriteStartArray("inputs");
        foreach (var i in stack.Inputs) w.WriteStringValue(i);
        w.WriteEndArray();
        w.WriteNumber("bias", stack.Bias);
        w.WriteNumber("slope", stack.Slope);
        w.WriteNumber("offset", stack.Offset);
        w.WriteStartArray("trees");
        foreach (var t in stack.Trees)
        {
            w.WriteStartObject();
            w.WriteNumber("weight", t.Weight);
            Array(w, "feature", t.Feature, (w, v) => w.WriteNumberValue(v));
            Array(w, "threshold", t.Threshold, (w, v) => w.WriteNumberValue(v));
            Array(w, "left", t.Left, (w, v) => w.WriteNumberValue(v));
            Array(w, "right", t.Right, (w, v) => w.WriteNumberValue(v));
            Array(w, "leaves", t.Leaves, (w, v) => w.WriteNumberValue(v));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Array<T>(Utf8JsonWriter w, string name, T[] values, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (var v in values) write(w, v);
        w.WriteEndArray();
    }

    private static StackedTrees ReadStack(JsonObject o, string source, string path)
    {
        if (o["inputs"] is not JsonArray inputs || inputs.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out _)))
            throw new TextModelException($"{source}: {path}.inputs: expected an array of names (score:LABEL, cue:NAME, lex:RULE)");
        if (o["trees"] is not JsonArray trees) throw new TextModelException($"{source}: {path}.trees: expected an array");
        var list = new List<RegressionTree>(trees.Count);
        for (var k = 0; k < trees.Count; k++)
        {
            var at = $"{path}.trees[{k}]";
            if (trees[k] is not JsonObject t) throw new TextModelException($"{source}: {at}: expected an object");
            list.Add(new RegressionTree(Num(t, "weight", source, at),
                Numbers(t, "feature", source, at, n => TryInt(n, out var i) ? i : (int?)null),
                Numbers(t, "threshold", source, at, n => TryDouble(n, out var d) ? (float)d : (float?)null),
                Numbers(t, "left", source, at, n => TryInt(n, out var i) ? i : (int?)null),
                Numbers(t, "right", source, at, n => TryInt(n, out var i) ? i : (int?)null),
                Numbers(t, "leaves", source, at, n => TryDouble(n, out var d) ? d : (double?)null)));
        }
        var stack = new StackedTrees([.. inputs.Select(x => x!.GetValue<string>())], list, Num(o, "bias", source, path), Num(o, "slope", source, path), Num(o, "offset", source, path));
        if (stack.Problem is { } problem) throw new TextModelException($"{source}: {path}.{problem}");
        return stack;
    }

    private static T[] Numbers<T>(JsonObject o, string key, string source, string path, Func<JsonNode?, T?> read) where T : struct
    {
        if (o[key] is not JsonArray a) throw new TextModelException($"{source}: {path}.{key}: expected an array of numbers");
        var values = new T[a.Count];
        for (var i = 0; i < a.Count; i++)
            values[i] = read(a[i]) ?? throw new TextModelException($"{source}: {path}.{key}[{i}]: expected a number");
        return values;
    }

    public static void Save(string path, string kind, LinearTextModel model, IReadOnlyDictionary<string, string>? trained = null)
    {
        // Written beside and moved, so a reader never sees half a model.
        var temp = path + ".tmp";
        using (var f = File.Create(temp)) Write(f, kind, model, trained);
        File.Move(temp, path, overwrite: true);
    }

    public static LinearTextModel Load(string path, string kind)
    {
        Stream stream;
        try { stream = File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TextModelException($"{path}: cannot be read: {e.Message}");
        }
        using (stream) return Read(stream, path, kind);
    }

    /// <summary>Reads a model of <paramref name="kind"/>; any problem is a <see cref="TextModelException"/> naming the source and field.</summary>
    public static LinearTextModel Read(Stream input, string source, string kind)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(input); }
        catch (JsonException e) { throw new TextModelException($"{source}: not JSON (line {e.LineNumber + 1}): {e.Message}"); }
        if (root is not JsonObject o) throw new TextModelException($"{source}: expected a JSON object");
        if (Str(o, "format") != Format) throw new TextModelException($"{source}: format: expected '{Format}'");
        if (Str(o, "kind") != kind) throw new TextModelException($"{source}: kind: '{Str(o, "kind")}' is not a model for {kind}");
        if (Int(o, "version") != 1) throw new TextModelException($"{source}: version: only version 1 is known");
        var bits = Int(o, "bits") ?? 0;
        if (bits is < 8 or > 24) throw new TextModelException($"{source}: bits: must be a whole number from 8 to 24");
        var softmax = o["softmax"] is JsonValue sv && sv.TryGetValue<bool>(out var b) && b;
        if (o["outputs"] is not JsonArray outputs || outputs.Count == 0) throw new TextModelException($"{source}: outputs: expected a non-empty array");
        // A file may not make us allocate without bound: 2^25 weights (128 MiB) at most.
        if ((long)outputs.Count << bits > 1L << 25) throw new TextModelException($"{source}: outputs: {outputs.Count} outputs of 2^{bits} weights is more than this version loads (2^25)");
        var list = new List<LinearOutput>();
        for (var k = 0; k < outputs.Count; k++)
        {
            var path = $"outputs[{k}]";
            if (outputs[k] is not JsonObject out_) throw new TextModelException($"{source}: {path}: expected an object");
            var label = Str(out_, "label") ?? throw new TextModelException($"{source}: {path}.label: missing");
            var weights = new float[1 << bits];
            if (out_["weights"] is not JsonArray ws) throw new TextModelException($"{source}: {path}.weights: expected an array of [slot, weight]");
            for (var i = 0; i < ws.Count; i++)
            {
                if (ws[i] is not JsonArray { Count: 2 } pair || !TryInt(pair[0], out var slot) || slot < 0 || slot >= weights.Length || !TryDouble(pair[1], out var wv))
                    throw new TextModelException($"{source}: {path}.weights[{i}]: expected [slot from 0 to {weights.Length - 1}, weight]");
                weights[slot] = (float)wv;
            }
            StackedTrees? stack = null;
            if (out_["stack"] is JsonObject so) stack = ReadStack(so, source, path + ".stack");
            else if (out_["stack"] is not null) throw new TextModelException($"{source}: {path}.stack: expected an object");
            list.Add(new LinearOutput(label, weights, (float)Num(out_, "bias", source, path), Num(out_, "slope", source, path), Num(out_, "offset", source, path), Num(out_, "threshold", source, path), stack));
        }
        if (list.Select(l => l.Label).Distinct(StringComparer.Ordinal).Count() != list.Count) throw new TextModelException($"{source}: outputs: a label appears twice");
        if (softmax && list.Any(l => l.Stack is not null)) throw new TextModelException($"{source}: outputs: a softmax model has no stacked trees");
        foreach (var l in list)
            foreach (var name in l.Stack?.Inputs ?? [])
                if (name.StartsWith(StackedTrees.ScorePrefix, StringComparison.Ordinal) && !list.Exists(x => x.Label == name[StackedTrees.ScorePrefix.Length..]))
                    throw new TextModelException($"{source}: outputs '{l.Label}'.stack.inputs: '{name}' names no output of the model");
        var cues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var compiled = new Dictionary<string, TextPattern>(StringComparer.Ordinal);
        if (o["cues"] is JsonObject cs)
            foreach (var (name, node) in cs)
            {
                if (node is not JsonArray arr || arr.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out _)))
                    throw new TextModelException($"{source}: cues.{name}: expected an array of patterns");
                var patterns = arr.Select(x => x!.GetValue<string>()).ToList();
                // The cue as the model runs it (one alternation), compiled once; only when that fails are its patterns
                // compiled one by one, to name the one at fault.
                if (patterns.Count > 0)
                {
                    if (TextPattern.TryCreate(TextPattern.Alternation(patterns), TextPattern.Options, out var problem) is { } made) compiled[name] = made;
                    else throw CueProblem(source, name, patterns, problem!);
                }
                cues[name] = patterns;
            }
        else if (o["cues"] is not null) throw new TextModelException($"{source}: cues: expected an object of name: [patterns]");
        return new LinearTextModel(bits, softmax, list, cues, compiled);
    }

    private static TextModelException CueProblem(string source, string name, IReadOnlyList<string> patterns, TextPatternProblem whole)
    {
        foreach (var p in patterns)
            if (TextPattern.TryCreate(p, TextPattern.Options, out var problem) is null)
                return new TextModelException(problem!.NotRegex
                    ? $"{source}: cues.{name}: '{p}' is not a regular expression: {problem.Message}"
                    : $"{source}: cues.{name}: '{p}' needs backtracking (look-arounds and backreferences are not allowed): {problem.Message}");
        // Each pattern compiles alone but not together (a group name used two ways): say so for the whole cue.
        return new TextModelException($"{source}: cues.{name}: the patterns together are not a regular expression: {whole.Message}");
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject o, string key) => o[key] is { } n && TryInt(n, out var i) ? i : null;

    private static double Num(JsonObject o, string key, string source, string path) =>
        o[key] is { } n && TryDouble(n, out var d) ? d : throw new TextModelException($"{source}: {path}.{key}: expected a number");

    private static bool TryInt(JsonNode? n, out int i)
    {
        i = 0;
        return n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && int.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out i);
    }

    private static bool TryDouble(JsonNode? n, out double d)
    {
        d = 0;
        return n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d);
    }
}
