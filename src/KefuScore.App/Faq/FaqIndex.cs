using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace KefuScore.App.Faq;

/// <summary>
/// An entry for a question: its BM25 score, the share of the question's terms its question and keywords contain, and
/// how many of the question's multi-character terms (bigrams, words) they share.
/// </summary>
public sealed record FaqMatch(FaqEntry Entry, double Score, double Coverage, int SharedBigrams = 1);

/// <summary>
/// FAQ 匹配: a shop's knowledge base in an in-memory Lucene index. Chinese needs no word list here: the analyzer is
/// Lucene's <see cref="CJKAnalyzer"/> chain, which cuts Chinese into overlapping character bigrams (发货时间 → 发货 货时
/// 时间) and Latin text into lower-cased words, with the single characters kept too (<see cref="CharacterGrams"/>);
/// <see cref="BM25Similarity"/> ranks entries. A question is searched in the entry's
/// question and keywords (weighted higher: the shop chose them) and, weakly, its answer. Thread-safe for searching.
/// </summary>
public sealed class FaqIndex : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const float QuestionBoost = 1.0f, KeywordBoost = 1.5f, AnswerBoost = 0.2f, IntentBoost = 1.0f;

    private readonly Analyzer _analyzer = new CharacterGrams();
    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly IReadOnlyList<FaqEntry> _entries;
    private readonly IReadOnlyList<HashSet<string>> _terms;
    private readonly KefuScore.Engine.Quality.LinearTextModel? _intents;

    /// <summary>
    /// An index of <paramref name="entries"/>. With <paramref name="intents"/> (issue 18, <c>Faq/intents.yaml</c>), an
    /// entry and a question are also searched by the intents they name (拍下 and 下单 are both 下单), in a field of their own.
    /// </summary>
    public FaqIndex(IReadOnlyList<FaqEntry> entries, IReadOnlyDictionary<string, IReadOnlyList<string>>? intents = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = entries;
        _intents = intents is null ? null : new KefuScore.Engine.Quality.LinearTextModel(8, false, [], intents);
        var config = new IndexWriterConfig(Version, _analyzer) { Similarity = new BM25Similarity(), OpenMode = OpenMode.CREATE };
        using (var writer = new IndexWriter(_directory, config))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                var document = new Document
                {
                    new StoredField("entry", i),
                    new TextField("question", e.Question, Field.Store.NO),
                    new TextField("keywords", string.Join(" ", e.Keywords), Field.Store.NO),
                    new TextField("answer", e.Answer, Field.Store.NO),
                    new TextField("intents", Intents(e.Question + " " + string.Join(" ", e.Keywords)), Field.Store.NO),
                };
                // Accepted wordings are more values of the question field: a customer asking that way finds the entry.
                foreach (var p in e.Paraphrases) document.Add(new TextField("question", p, Field.Store.NO));
                writer.AddDocument(document);
            }
            writer.Commit();
        }
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
        _terms = entries.Select(e => Terms(string.Join(" ", [e.Question, .. e.Keywords, .. e.Paraphrases])).ToHashSet(StringComparer.Ordinal)).ToList();
    }

    public int Count => _entries.Count;

    /// <summary>The entries searched (with their accepted wordings).</summary>
    public IReadOnlyList<FaqEntry> Entries => _entries;

    /// <summary>The names of the intents a text names, separated by spaces ("" without a vocabulary).</summary>
    private string Intents(string text) => _intents is null ? "" : string.Join(" ", _intents.CueTokens(text).Select(t => t["cue:".Length..]));

    /// <summary>The terms the analyzer makes of a text: character bigrams for Chinese, words for the rest.</summary>
    public IReadOnlyList<string> Terms(string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream("question", new StringReader(text ?? ""));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) terms.Add(term.ToString());
        stream.End();
        return terms;
    }

    /// <summary>The best <paramref name="top"/> entries for a question, best first (ties by the entry's order in the file).</summary>
    public IReadOnlyList<FaqMatch> Search(string question, int top = 3)
    {
        var terms = Terms(question).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0) return [];
        var query = new BooleanQuery();
        foreach (var t in terms)
        {
            query.Add(new TermQuery(new Term("question", t)) { Boost = QuestionBoost }, Occur.SHOULD);
            query.Add(new TermQuery(new Term("keywords", t)) { Boost = KeywordBoost }, Occur.SHOULD);
            query.Add(new TermQuery(new Term("answer", t)) { Boost = AnswerBoost }, Occur.SHOULD);
        }
        foreach (var t in Terms(Intents(question)).Distinct(StringComparer.Ordinal))
            query.Add(new TermQuery(new Term("intents", t)) { Boost = IntentBoost }, Occur.SHOULD);
        var hits = _searcher.Search(query, Math.Max(top, 1) * 4).ScoreDocs;
        return hits
            .Select(h => (Index: _searcher.Doc(h.Doc).GetField("entry").GetInt32Value() ?? 0, h.Score))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Index)
            .Take(top)
            .Select(h => new FaqMatch(_entries[h.Index], h.Score, terms.Count(t => _terms[h.Index].Contains(t)) / (double)terms.Count,
                terms.Count(t => t.Length > 1 && _terms[h.Index].Contains(t))))
            .ToList();
    }

    public FaqMatch? Best(string question) => Search(question, 1) is [var m] ? m : null;

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    /// <summary>
    /// <see cref="CJKAnalyzer"/>'s chain (standard tokenizer, full-width folding, lower case, CJK bigrams) with the
    /// single characters kept as well: short questions hinge on one character (码, 券, 修), which bigrams alone lose.
    /// </summary>
    private sealed class CharacterGrams : Analyzer
    {

        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new Lucene.Net.Analysis.Standard.StandardTokenizer(Version, reader);
            TokenStream stream = new CJKWidthFilter(source);
            stream = new Lucene.Net.Analysis.Core.LowerCaseFilter(Version, stream);
            stream = new CJKBigramFilter(stream, CJKScript.HAN | CJKScript.HIRAGANA | CJKScript.KATAKANA | CJKScript.HANGUL, outputUnigrams: true);
            return new TokenStreamComponents(source, stream);
        }
    }
}
