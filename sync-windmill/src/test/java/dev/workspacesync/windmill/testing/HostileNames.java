package dev.workspacesync.windmill.testing;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded hostile names for the naming tests: every Unicode plane, line and paragraph separators, NEL, control
 * characters, dots, underscores, every kind of space, combining marks, letters whose case mapping is special
 * (ß, İ, ǅ, final sigma) or new in Unicode 14+ (U+A7C0…), Windows-reserved words.
 */
public final class HostileNames {
    private HostileNames() {}

    /** Characters that have broken ports of JavaScript naming code before, or could. */
    private static final int[] SPECIAL = {
        ' ', '.', '_', '-', '/', '\\', ':', '*', '?', '"', '<', '>', '|', '\t', '\n', '\r', 0, 0x1f, 0x7f, 0x80, 0x85,
        0x9f, 0xa0, 0xad, 0x1680, 0x180e, 0x2000, 0x200a, 0x200b, 0x200d, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
        0xfeff, 0x300, 0x307, 0x345, 0x1ab0, 0x20dd, 0xdf, 0x130, 0x131, 0x149, 0x1c4, 0x1c5, 0x1c6, 0x1f0, 0x390,
        0x3a3, 0x3c2, 0x3c3, 0x1e9e, 0x1f88, 0x1fbc, 0x212a, 0x212b, 0x2126, 0xfb00, 0xfb03, 0x10a0, 0x1c90, 0x13a0,
        0xab70, 0x2c2f, 0xa7c0, 0xa7c2, 0xa7c7, 0xa7c9, 0xa7cb, 0xa7cc, 0xa7d0, 0xa7d6, 0xa7da, 0xa7dc, 0x10400,
        0x10570, 0x10c80, 0x118a0, 0x16e40, 0x16ea0, 0x1e900, 0x1f600, 0x1f1e6, 0xe0041, 0x10ffff, 0xd800, 0xdc00, 'I',
        'K', 'S', 'i', 's'
    };

    private static final List<String> WORDS = List.of(
            "con",
            "CON",
            "Prn",
            "aux",
            "NUL",
            "com1",
            "COM9",
            "lpt0",
            "Lpt5",
            "coM",
            "nul.",
            "inline_script",
            "inline_script_0",
            "runnable",
            "runnable_1",
            "a",
            "A",
            "step",
            "Step",
            ".git",
            "..",
            ".",
            "_");

    /** One of the words that collide with the CLI's own names or with reserved names. */
    public static String word(SplittableRandom random) {
        return WORDS.get(random.nextInt(WORDS.size()));
    }

    /** A random name of up to 11 tokens; may hold unpaired surrogates. */
    public static String name(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        int tokens = random.nextInt(12);
        for (int t = 0; t < tokens; t++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> out.appendCodePoint(SPECIAL[random.nextInt(SPECIAL.length)]);
                case 2 -> out.append(word(random));
                case 3 -> out.append(".._".charAt(random.nextInt(3)));
                case 4 -> out.append((char) (' ' + random.nextInt(95)));
                case 5 -> out.appendCodePoint(randomScalar(random, 0x800));
                case 6 -> out.appendCodePoint(randomScalar(random, 0x10000));
                case 7 -> out.appendCodePoint(randomScalar(random, 0x110000));
                default -> {
                    // letters with case mappings: Latin Extended, Greek, Cyrillic, Armenian, Georgian, Glagolitic
                    int[] from = {0x100, 0x370, 0x400, 0x530, 0x10a0, 0x1e00, 0x2c00, 0xa640, 0xa720, 0x10400, 0x1e900};
                    out.appendCodePoint(from[random.nextInt(from.length)] + random.nextInt(0x100));
                }
            }
        }
        return out.toString();
    }

    /** Any code point below {@code limit}, unpaired surrogates included (JavaScript strings may hold them). */
    private static int randomScalar(SplittableRandom random, int limit) {
        return random.nextInt(limit);
    }
}
