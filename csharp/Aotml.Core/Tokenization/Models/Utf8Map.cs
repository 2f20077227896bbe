using System.Runtime.InteropServices;
using System.Text;

namespace Aotml.Tokenization.Models;

/// <summary>
/// A map from UTF-8 byte strings to values that is looked up with a span, so models find the tokens of a piece
/// without making a string of every candidate.
/// </summary>
internal sealed class Utf8Map<TValue>
{
    private readonly Dictionary<byte[], TValue> _map;
    private readonly Dictionary<byte[], TValue>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public Utf8Map(int capacity = 0)
    {
        _map = new Dictionary<byte[], TValue>(capacity, Comparer.Instance);
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _map.Count;

    public void Set(string key, TValue value) => _map[System.Text.Encoding.UTF8.GetBytes(key)] = value;

    public void Set(ReadOnlySpan<byte> key, TValue value) => _map[key.ToArray()] = value;

    public bool TryGetValue(ReadOnlySpan<byte> key, out TValue value) => _lookup.TryGetValue(key, out value!);

    private sealed class Comparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        // FNV-1a over 8-byte words: tokens are short and the hash is on every lookup.
        private static int Hash(ReadOnlySpan<byte> s)
        {
            ulong h = 14695981039346656037UL ^ (ulong)s.Length;
            var words = MemoryMarshal.Cast<byte, ulong>(s);
            foreach (ulong w in words) h = (h ^ w) * 1099511628211UL;
            for (int i = words.Length * 8; i < s.Length; i++) h = (h ^ s[i]) * 1099511628211UL;
            return (int)(h ^ (h >> 32));
        }
    }
}
