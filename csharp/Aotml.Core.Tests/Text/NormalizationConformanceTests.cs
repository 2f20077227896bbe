using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Aotml.Text.Normalization;

namespace Aotml.Core.Tests.Text;

/// <summary>Every line of the UCD's NormalizationTest.txt (Debian's unicode-data package, the UCD the tables come
/// from), with the invariants the file's header states for the five columns.</summary>
public class NormalizationConformanceTests
{
    private const string TestFile = "/usr/share/unicode/NormalizationTest.txt";

    private static readonly Lazy<List<(int Line, int[][] Columns)>> Cases = new(Load);

    private static List<(int, int[][])> Load()
    {
        string text;
        if (File.Exists(TestFile))
        {
            text = File.ReadAllText(TestFile);
        }
        else
        {
            // Debian ships it compressed; bzcat comes with bzip2, which unicode-data depends on.
            var psi = new ProcessStartInfo("bzcat", TestFile + ".bz2") { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }
        var cases = new List<(int, int[][])>();
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0 || line.StartsWith('@'))
                continue;
            var cols = line.Split(';').Take(5)
                .Select(c => c.Trim().Split(' ').Select(h => int.Parse(h, NumberStyles.HexNumber)).ToArray())
                .ToArray();
            cases.Add((lineNo, cols));
        }
        return cases;
    }

    private static int[] N(int[] s, NormalizationForm f)
    {
        var output = new List<int>();
        Normalizer.Normalize(s, f, output, null);
        return output.ToArray();
    }

    [Fact]
    public void AllLinesHoldTheFiveColumnInvariants()
    {
        var cases = Cases.Value;
        Assert.True(cases.Count > 19000, $"only {cases.Count} cases read");
        var failures = new List<string>();
        foreach (var (line, c) in cases)
        {
            void Check(string what, int[] expected, int[] actual)
            {
                if (!expected.AsSpan().SequenceEqual(actual) && failures.Count < 20)
                    failures.Add($"line {line}: {what} gave {Hex(actual)}, expected {Hex(expected)}");
            }
            // c2 == toNFC(c1) == toNFC(c2) == toNFC(c3); c4 == toNFC(c4) == toNFC(c5)
            for (int i = 0; i < 3; i++) Check($"NFC(c{i + 1})", c[1], N(c[i], NormalizationForm.FormC));
            for (int i = 3; i < 5; i++) Check($"NFC(c{i + 1})", c[3], N(c[i], NormalizationForm.FormC));
            // c3 == toNFD(c1) == toNFD(c2) == toNFD(c3); c5 == toNFD(c4) == toNFD(c5)
            for (int i = 0; i < 3; i++) Check($"NFD(c{i + 1})", c[2], N(c[i], NormalizationForm.FormD));
            for (int i = 3; i < 5; i++) Check($"NFD(c{i + 1})", c[4], N(c[i], NormalizationForm.FormD));
            // c4 == toNFKC(c1..c5); c5 == toNFKD(c1..c5)
            for (int i = 0; i < 5; i++) Check($"NFKC(c{i + 1})", c[3], N(c[i], NormalizationForm.FormKC));
            for (int i = 0; i < 5; i++) Check($"NFKD(c{i + 1})", c[4], N(c[i], NormalizationForm.FormKD));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void CodePointsNotInPart1AreInvariant()
    {
        // Part 1 lists every code point with a decomposition or a non-zero class; all others normalize to themselves.
        var listed = new HashSet<int>();
        foreach (var (_, c) in Cases.Value)
            if (c[0].Length == 1)
                listed.Add(c[0][0]);
        var failures = new List<string>();
        for (int cp = 0; cp < 0x110000; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || listed.Contains(cp))
                continue;
            foreach (var f in new[] { NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD })
            {
                var r = N(new[] { cp }, f);
                if ((r.Length != 1 || r[0] != cp) && failures.Count < 20)
                    failures.Add($"{f}(U+{cp:X4}) gave {Hex(r)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Utf8AndStringEntryPointsAgreeWithScalars()
    {
        var sb = new StringBuilder();
        int n = 0;
        foreach (var (line, c) in Cases.Value)
        {
            if (n++ % 7 != 0)
                continue;
            foreach (var f in new[] { NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD })
            {
                string s = Str(c[0]);
                string expected = Str(N(c[0], f));
                Assert.Equal(expected, Normalizer.Normalize(s, f));
                Assert.Equal(expected, Encoding.UTF8.GetString(Normalizer.Normalize(Encoding.UTF8.GetBytes(s), f)));
                Assert.Equal(s == expected, Normalizer.IsNormalized(Encoding.UTF8.GetBytes(s), f));
                // The UTF-8 path skips a normalized prefix (ASCII runs without decoding) and renormalizes the rest.
                string wrapped = "abc é" + s + "x";
                Assert.Equal(Str(N(Enumerable.Concat(Enumerable.Concat("abc é".EnumerateRunes().Select(r => r.Value), c[0]), new[] { (int)'x' }).ToArray(), f)),
                    Encoding.UTF8.GetString(Normalizer.Normalize(Encoding.UTF8.GetBytes(wrapped), f)));
            }
        }
    }

    [Fact]
    public void LongTextsGiveTheConcatenationOfTheirParts()
    {
        // The normalizer works in chunks on long texts; joined with spaces (stable starters), the lines must
        // normalize, and carry changes, exactly as they do one by one.
        foreach (var f in new[] { NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD })
        {
            var input = new List<int>();
            var expected = new List<int>();
            var expectedChanges = new List<int>();
            foreach (var (_, c) in Cases.Value)
            {
                for (int col = 0; col < 5; col++)
                {
                    input.AddRange(c[col]);
                    input.Add(' ');
                    Normalizer.Normalize(c[col], f, expected, expectedChanges);
                    expected.Add(' ');
                    expectedChanges.Add(0);
                }
            }
            var output = new List<int>();
            var changes = new List<int>();
            Normalizer.Normalize(CollectionsMarshal.AsSpan(input), f, output, changes);
            Assert.True(expected.SequenceEqual(output), $"{f}: chunked output differs");
            Assert.True(expectedChanges.SequenceEqual(changes), $"{f}: chunked changes differ");
        }
    }

    private static string Str(int[] cps) => string.Concat(cps.Select(cp => new Rune(cp).ToString()));

    private static string Hex(int[] cps) => string.Join(" ", cps.Select(cp => cp.ToString("X4")));
}
