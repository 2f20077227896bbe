using Aotml.Tokenization;
using Aotml.Tokenization.PreTokenizers;

namespace Aotml.Tests.Tokenization;

/// <summary>The fast encode path gives exactly what the general (NormalizedString) path gives, or declines.</summary>
public class FastPipelineTests
{
    private static readonly string[] Inputs =
    [
        "", " ", "Hello, World!", "hello   world\t\tagain\r\nand\u000bmore\u0001x", "  leading and trailing  ",
        "caf\u00e9 na\u00efve \u4e2d\u6587 \U0001F600 emoji", "numbers 1234567 and 3.14159", "it's we'll they've I'M",
        "punct!!! ??? ... (x) [y] {z} <w> \"q\" 'r'", "tab\there\nnewline", "\u00a0nbsp\u2003em space",
        "[CLS] inside [SEP] text", "<|endoftext|> marker <|endoftext|>", "x\u0000y\u007fz",
        "\u00c7a va? \u00d1and\u00fa \u00c5NGSTR\u00d6M caf\u00e9", "\u0130stanbul \u03a3\u0391\u03a3 \u1e9e", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
        "\uf900\uf901 compat \u4e2d\u6587\u3002", "e\u0301 combining a\u0308\u0301", "zero\u200bwidth \u00adsoft \ufffd repl \u2028 line",
        "full\u3000width\uff01\uff21\uff42 \u00bfQu\u00e9? \u00ab\u00bb \u2014dash\u2014", "\u0001start and\u0002 mid \u0085 nel",
        "\U0001D400 math \U00020000 ext-b \U0001F600", "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd \u0928\u092e\u0938\u094d\u0924\u0947",
    ];

    private static string Json(string normalizer, string preTokenizer, string model, string post = "null", string added = "[]") =>
        $$"""{"version":"1.0","truncation":null,"padding":null,"added_tokens":{{added}},"normalizer":{{normalizer}},"pre_tokenizer":{{preTokenizer}},"post_processor":{{post}},"decoder":null,"model":{{model}}}""";

    private static string WordPiece()
    {
        var words = new List<string> { "[UNK]", "[CLS]", "[SEP]", "hello", "world", "again", "and", "more", "##s", "##o",
            "\u00e7a", "ca", "##e", "##\u00e9", "\u4e2d", "\u6587", "\ud55c", "i\u0307stanbul", "istanbul", "\u03c3\u03b1\u03c3", "\u00bf", "\u00bfqu", "\u2014" };
        for (char c = '!'; c <= '~'; c++) { words.Add(c.ToString()); if (char.IsLetterOrDigit(c)) words.Add("##" + c); }
        var vocab = string.Join(",", words.Distinct().Select((w, i) => $"{System.Text.Json.JsonSerializer.Serialize(w)}:{i}"));
        return """{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{""" + vocab + "}}";
    }

    private static string ByteBpe()
    {
        var chars = Enumerable.Range(0, 256).Select(b => char.ConvertFromUtf32(ByteLevelAlphabet.CharOf((byte)b))).ToList();
        var vocab = chars.Select((c, i) => $"{System.Text.Json.JsonSerializer.Serialize(c)}:{i}").ToList();
        string h = chars['h'], e = chars['e'], sp = chars[' '], t = chars['t'];
        vocab.Add($"{System.Text.Json.JsonSerializer.Serialize(h + e)}:256");
        vocab.Add($"{System.Text.Json.JsonSerializer.Serialize(sp + t)}:257");
        var merges = $"[{System.Text.Json.JsonSerializer.Serialize(h + " " + e)},{System.Text.Json.JsonSerializer.Serialize(sp + " " + t)}]";
        return """{"type":"BPE","vocab":{""" + string.Join(",", vocab) + """},"merges":""" + merges + "}";
    }

    // A SentencePiece-converted BPE (llama2's shape): ▁ words, byte fallback for what is not in the vocabulary.
    private static string SpBpe()
    {
        var words = new List<string> { "<unk>", "<s>", "</s>" };
        for (int b = 0; b < 256; b++) words.Add($"<0x{b:X2}>");
        words.AddRange(["\u2581", "\u00e9", "\u4e2d", "\u2581h", "he", "\u2581he", "ll", "\u2581\u2581", "\u2581\u2581\u2581"]);
        for (char c = '!'; c <= '~'; c++) words.Add(c.ToString());
        var vocab = string.Join(",", words.Distinct().Select((w, i) => $"{System.Text.Json.JsonSerializer.Serialize(w)}:{i}"));
        string[] merges = ["\u2581 h", "h e", "\u2581h e", "l l", "\u2581 \u2581", "\u2581\u2581 \u2581"];
        return """{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":true,"vocab":{""" + vocab + """},"merges":""" +
            System.Text.Json.JsonSerializer.Serialize(merges) + "}";
    }

    private const string Template = """{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],"pair":[{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],"special_tokens":{"[CLS]":{"id":"[CLS]","ids":[1],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[2],"tokens":["[SEP]"]}}}""";

    public static TheoryData<string> Pipelines() => new()
    {
        Json("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}""",
            """{"type":"BertPreTokenizer"}""", WordPiece(), Template),
        Json("""{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Lowercase"}]}""", """{"type":"WhitespaceSplit"}""", WordPiece()),
        Json("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":false,"strip_accents":true,"lowercase":false}""",
            """{"type":"BertPreTokenizer"}""", WordPiece()),
        Json("""{"type":"BertNormalizer","clean_text":false,"handle_chinese_chars":true,"strip_accents":false,"lowercase":true}""",
            """{"type":"BertPreTokenizer"}""", WordPiece()),
        Json("null", """{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}""",
            ByteBpe(), """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}""",
            """[{"id":258,"content":"<|endoftext|>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}]"""),
        Json("""{"type":"Sequence","normalizers":[]}""", """{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\p{N}{1,3}"},"behavior":"Isolated","invert":false},{"type":"Split","pattern":{"String":" "},"behavior":"MergedWithPrevious","invert":false},{"type":"Split","pattern":{"Regex":"[a-z]+"},"behavior":"Contiguous","invert":true},{"type":"Split","pattern":{"String":"!"},"behavior":"Removed","invert":false},{"type":"Split","pattern":{"String":"."},"behavior":"MergedWithNext","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}]}""",
            ByteBpe()),
        Json("""{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"\u2581"},{"type":"Replace","pattern":{"String":" "},"content":"\u2581"}]}""",
            "null", SpBpe(), "null", """[{"id":0,"content":"<unk>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}]"""),
        Json("""{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":" "},{"type":"Replace","pattern":{"String":" "},"content":"\u2581"},{"type":"Replace","pattern":{"String":"a"},"content":"b"},{"type":"Replace","pattern":{"String":"b"},"content":"\u00e9"}]}""",
            """{"type":"WhitespaceSplit"}""", SpBpe()),
        Json("""{"type":"Replace","pattern":{"String":"l"},"content":"\u4e2d"}""",
            """{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""", ByteBpe()),
    };

    private static void Same(Encoding a, Encoding b, string where)
    {
        Assert.Equal(a.Ids, b.Ids);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.True(a.Offsets.SequenceEqual(b.Offsets), where + ": offsets");
        Assert.Equal(a.WordIds, b.WordIds);
        Assert.Equal(a.TypeIds, b.TypeIds);
        Assert.Equal(a.SpecialTokensMask, b.SpecialTokensMask);
        Assert.Equal(a.AttentionMask, b.AttentionMask);
        Assert.Equal(a.GetSequenceIds(), b.GetSequenceIds());
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void MatchesTheGeneralPath(string json)
    {
        var tok = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(json));
        int fast = 0;
        foreach (bool chars in new[] { true, false })
            foreach (var trunc in new TruncationParams?[] { null, new(3, 0, TruncationStrategy.LongestFirst, Direction.Right) })
                foreach (var s in Inputs)
                {
                    var o = new EncodeOptions { AddSpecialTokens = true, CharOffsets = chars, Truncation = trunc };
                    var text = System.Text.Encoding.UTF8.GetBytes(s);
                    if (tok.EncodeSequenceFast(text, 0, o) is { } f) { fast++; Same(tok.EncodeSequenceGeneral(text, 0, o), f, s); }
                    // Through post-processing too: the one-sequence shortcut against the processor's own Process.
                    var single = tok.Encode(text, default, false, o);
                    var general = tok.EncodeSequenceGeneral(text, 0, o);
                    if (o.Truncation is { } t) Truncation.TruncateEncodings(general, null, t.MaxLength - (tok.PostProcessor?.AddedTokens(false) ?? 0), 0, t.Strategy, t.Direction);
                    var reference = tok.PostProcessor?.Process(general, null, true) ?? general;
                    Same(reference, single, s + " (processed)");
                }
        Assert.True(fast >= 20, $"the fast path took only {fast} of the inputs");
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void FastColumnsAreTheProcessedEncoding(string json)
    {
        var tok = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(json));
        var vocab = tok.VocabTokens();
        int fast = 0;
        foreach (bool specials in new[] { true, false })
            foreach (bool chars in new[] { true, false })
                foreach (var s in Inputs)
                {
                    var o = new EncodeOptions { AddSpecialTokens = specials, CharOffsets = chars };
                    var text = System.Text.Encoding.UTF8.GetBytes(s);
                    var want = tok.Encode(text, default, false, o);
                    if (tok.TryEncodeIdsFast(text, o, out var ids, out var template))
                    {
                        var all = (specials ? template.Prefix.Select(p => p.Id) : []).Concat(ids.ToArray())
                            .Concat(specials ? template.Suffix.Select(p => p.Id) : []);
                        Assert.Equal(want.Ids, all);
                    }
                    if (!tok.TryEncodeFast(text, o, out var f)) continue;
                    fast++;
                    Same(want, Rebuild(f, vocab, tok), s);
                }
        Assert.True(fast >= 40, $"the fast columns took only {fast} of the inputs");
    }

    // An Encoding from the fast columns, as the block writer lays them out (strings from the exceptions or the vocabulary).
    private static Encoding Rebuild(FastEncoding f, string?[] vocab, Tokenizer tok)
    {
        var e = new Encoding();
        foreach (var p in f.Prefix) e.Add(p.Id, p.Token, (0, 0), -1, p.TypeId, special: true);
        int first = e.Length;
        var tokens = new string[f.Ids.Length];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = f.Ids[i] < vocab.Length ? vocab[f.Ids[i]]! : tok.IdToToken(f.Ids[i])!;
        for (int j = 0; j < f.ExceptionAt.Length; j++) tokens[f.ExceptionAt[j]] = f.ExceptionTokens[j];
        for (int i = 0; i < f.Ids.Length; i++) e.Add(f.Ids[i], tokens[i], (f.Starts[i], f.Ends[i]), f.Words[i], f.Template.TypeId);
        foreach (var p in f.Suffix) e.Add(p.Id, p.Token, (0, 0), -1, p.TypeId, special: true);
        e.SequenceRanges[0] = (first, first + f.Ids.Length);
        return e;
    }
}
