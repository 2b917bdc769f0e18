namespace VpnPortal.Domain.Tests.Certificates;

/// <summary>
/// Damages well-formed DER the ways broken encoders and bad copies do: cut short, a tag or a length byte replaced (in
/// every nested value, found by walking the encoding), a byte changed, added or dropped. Driven by a seeded
/// <see cref="Random"/>, so a run is the same every time and a failure names the case that reproduces it.
/// </summary>
internal static class DerMutations
{
    // Tags a confused encoder writes: the universal types, context tags [0] to [8] (GeneralName's choices) primitive and
    // constructed, a high tag number form, and garbage.
    private static readonly byte[] Tags =
    [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x16, 0x17, 0x18, 0x1E, 0x1F, 0x30, 0x31,
        0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8,
        0xBF, 0xFF,
    ];

    // Lengths that are zero, one, the short form's limit, indefinite (not DER), long forms with missing bytes, or huge.
    private static readonly byte[] Lengths = [0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x89, 0xFF];

    public static (string Mutation, byte[] Value) Mutate(byte[] valid, Random random)
    {
        var (tags, lengths) = Positions(valid);
        var (mutation, value) = random.Next(6) switch
        {
            0 => Truncate(valid, random),
            1 => Replace(valid, "tag", tags[random.Next(tags.Count)], Tags, random),
            2 => Replace(valid, "length", lengths[random.Next(lengths.Count)], Lengths, random),
            3 => Flip(valid, random),
            4 => Insert(valid, random),
            _ => Delete(valid, random),
        };

        // Now and then a damaged value is also cut short, as a second fault on top of the first.
        if (random.Next(8) == 0 && value.Length > 0)
        {
            var (cut, shorter) = Truncate(value, random);
            return ($"{mutation}, then {cut}", shorter);
        }

        return (mutation, value);
    }

    /// <summary>Where each tag and each length byte is, in every value of <paramref name="der"/> and the values nested in constructed ones.</summary>
    public static (List<int> Tags, List<int> Lengths) Positions(byte[] der)
    {
        var tags = new List<int>();
        var lengths = new List<int>();
        Walk(der, 0, der.Length, tags, lengths);
        return (tags, lengths);
    }

    private static void Walk(byte[] der, int start, int end, List<int> tags, List<int> lengths)
    {
        var p = start;
        while (p < end)
        {
            tags.Add(p);
            var constructed = (der[p] & 0x20) != 0;
            p++;
            lengths.Add(p);
            var length = 0;
            if (der[p] < 0x80)
            {
                length = der[p];
                p++;
            }
            else
            {
                var count = der[p] & 0x7F;
                for (var i = 1; i <= count; i++)
                {
                    lengths.Add(p + i);
                    length = (length << 8) | der[p + i];
                }

                p += 1 + count;
            }

            if (constructed)
            {
                Walk(der, p, p + length, tags, lengths);
            }

            p += length;
        }
    }

    private static (string, byte[]) Truncate(byte[] value, Random random)
    {
        var keep = random.Next(value.Length);
        return ($"cut to {keep} of {value.Length} bytes", value[..keep]);
    }

    private static (string, byte[]) Replace(byte[] valid, string what, int position, byte[] candidates, Random random)
    {
        var value = (byte[])valid.Clone();
        value[position] = random.Next(4) switch
        {
            0 => (byte)random.Next(256),
            1 => (byte)(valid[position] + (random.Next(2) == 0 ? 1 : -1)),
            _ => candidates[random.Next(candidates.Length)],
        };
        return ($"{what} at {position} {valid[position]:X2} -> {value[position]:X2}", value);
    }

    private static (string, byte[]) Flip(byte[] valid, Random random)
    {
        var value = (byte[])valid.Clone();
        var position = random.Next(value.Length);
        value[position] ^= (byte)(1 << random.Next(8));
        return ($"bit flipped at {position}", value);
    }

    private static (string, byte[]) Insert(byte[] valid, Random random)
    {
        var position = random.Next(valid.Length + 1);
        var added = (byte)random.Next(256);
        return ($"{added:X2} inserted at {position}", [.. valid[..position], added, .. valid[position..]]);
    }

    private static (string, byte[]) Delete(byte[] valid, Random random)
    {
        var position = random.Next(valid.Length);
        return ($"byte {position} dropped", [.. valid[..position], .. valid[(position + 1)..]]);
    }
}
