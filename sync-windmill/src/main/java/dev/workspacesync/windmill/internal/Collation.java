package dev.workspacesync.windmill.internal;

import com.ibm.icu.text.Collator;
import com.ibm.icu.util.ULocale;

/**
 * {@code String.prototype.localeCompare} as the wmill CLI runs it: ICU root collation (Node under the C and
 * en-US locales), from the ICU4J release that matches the ICU of the CLI's Node.
 */
final class Collation {
    private static final Collator ROOT = Collator.getInstance(ULocale.ROOT).freeze();

    private Collation() {}

    static int compare(String a, String b) {
        return ROOT.compare(a, b);
    }
}
