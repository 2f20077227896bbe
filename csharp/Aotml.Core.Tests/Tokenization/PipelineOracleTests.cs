
using System.Text.Json;
using Aotml.Tokenization;

namespace Aotml.Tests.Tokenization;

/// <summary>
/// The pipeline against HF tokenizers on hand-made tokenizer.json files: every field of every encoding (overflows
/// included), with pairs, truncation and padding. The expectations come from the oracle through
/// tests/support/hf_pipeline_fixtures.py, which writes build/hf_fixtures/pipeline.json.
/// </summary>
public class PipelineOracleTests
{
    private static readonly string Fixtures = Path.Combine(FindRoot(), "build", "hf_fixtures", "pipeline.json");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "build.py"))) d = d.Parent;
        return d?.FullName ?? ".";
    }

    [Fact]
    public void MatchesOracleOnHandMadeTokenizers()
    {
        Assert.True(File.Exists(Fixtures), $"run `python3 tests/support/hf_pipeline_fixtures.py` first (needs node and npm tokenizers): {Fixtures}");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures));
        var failures = new List<string>();
        int cases = 0, compared = 0, errors = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            cases++;
            var tok = Tokenizer.FromJson(System.Text.Encoding.UTF8.GetBytes(c.GetProperty("tokenizer").GetString()!));
            var texts = c.GetProperty("texts").EnumerateArray().Select(t => System.Text.Encoding.UTF8.GetBytes(t.GetString()!)).ToList();
            var pairsEl = c.GetProperty("pairs");
            var pairs = pairsEl.ValueKind == JsonValueKind.Null ? null : pairsEl.EnumerateArray().Select(t => System.Text.Encoding.UTF8.GetBytes(t.GetString()!)).ToList();
            var opts = new EncodeOptions { AddSpecialTokens = true, CharOffsets = true, Truncation = Trunc(c.GetProperty("truncation")), Padding = Pad(c.GetProperty("padding")) };
            string label = $"{c.GetProperty("name").GetString()} pairs={pairs != null} trunc={c.GetProperty("truncation").GetRawText()} pad={c.GetProperty("padding").GetRawText()}";
            var expected = c.GetProperty("expected").EnumerateArray().ToList();
            if (expected.Any(e => e.TryGetProperty("error", out _)))
            {
                var single = opts with { Padding = null };
                for (int i = 0; i < texts.Count; i++)
                {
                    bool threw = false;
                    try { tok.Encode(texts[i], pairs != null ? pairs[i] : default, pairs != null, single); }
                    catch (ArgumentException) { threw = true; }
                    errors++;
                    if (threw != expected[i].TryGetProperty("error", out _)) failures.Add($"{label} text {i}: error mismatch (ours threw: {threw})");
                }
                continue;
            }
            Aotml.Tokenization.Encoding[] got;
            try { got = tok.EncodeBatch(texts, pairs, opts, 2); }
            catch (Exception e) { failures.Add($"{label}: threw {e.Message}"); continue; }
            for (int i = 0; i < texts.Count; i++) { Compare(got[i], expected[i], $"{label} text {i}", failures); compared++; }
        }
        Assert.True(compared > 4000 && errors > 0, $"{compared} encodings compared, {errors} errors checked");
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches of {cases} cases:\n" + string.Join("\n", failures.Take(15)));
    }

    private static TruncationParams? Trunc(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new TruncationParams(
        e.GetProperty("max_length").GetInt32(), e.TryGetProperty("stride", out var s) ? s.GetInt32() : 0,
        (e.TryGetProperty("strategy", out var st) ? st.GetString() : "longest_first") switch { "only_first" => TruncationStrategy.OnlyFirst, "only_second" => TruncationStrategy.OnlySecond, _ => TruncationStrategy.LongestFirst },
        e.TryGetProperty("direction", out var d) && d.GetString() == "left" ? Direction.Left : Direction.Right);

    private static PaddingParams? Pad(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : new PaddingParams(
        e.TryGetProperty("direction", out var d) && d.GetString() == "left" ? Direction.Left : Direction.Right,
        e.TryGetProperty("length", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : null,
        e.TryGetProperty("pad_to_multiple_of", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : null,
        e.TryGetProperty("pad_id", out var pid) ? pid.GetUInt32() : 0, e.TryGetProperty("pad_type_id", out var pt) ? pt.GetUInt32() : 0,
        e.TryGetProperty("pad_token", out var tk) ? tk.GetString()! : "[PAD]");

    private static void Compare(Aotml.Tokenization.Encoding got, JsonElement exp, string label, List<string> failures)
    {
        static string J<T>(IEnumerable<T> x) => string.Join(",", x);
        void Check(string field, string ours, string theirs)
        {
            if (ours != theirs) failures.Add($"{label} {field}: ours [{ours}] hf [{theirs}]");
        }
        Check("ids", J(got.Ids), J(exp.GetProperty("ids").EnumerateArray().Select(x => x.GetUInt32())));
        Check("type_ids", J(got.TypeIds), J(exp.GetProperty("type_ids").EnumerateArray().Select(x => x.GetUInt32())));
        Check("tokens", J(got.Tokens), J(exp.GetProperty("tokens").EnumerateArray().Select(x => x.GetString())));
        Check("offsets", J(got.Offsets), J(exp.GetProperty("offsets").EnumerateArray().Select(x => (x[0].GetInt32(), x[1].GetInt32()))));
        Check("attention", J(got.AttentionMask), J(exp.GetProperty("attention_mask").EnumerateArray().Select(x => x.GetInt32())));
        Check("special", J(got.SpecialTokensMask), J(exp.GetProperty("special_tokens_mask").EnumerateArray().Select(x => x.GetInt32())));
        Check("word_ids", J(got.WordIds), J(exp.GetProperty("word_ids").EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? -1 : x.GetInt32())));
        Check("sequence_ids", J(got.GetSequenceIds()), J(exp.GetProperty("sequence_ids").EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? -1 : x.GetInt32())));
        var over = exp.GetProperty("overflowing").EnumerateArray().ToList();
        if (over.Count != got.Overflowing.Count) { failures.Add($"{label}: {got.Overflowing.Count} overflows, hf {over.Count}"); return; }
        for (int i = 0; i < over.Count; i++) Compare(got.Overflowing[i], over[i], $"{label} overflow {i}", failures);
    }
}
