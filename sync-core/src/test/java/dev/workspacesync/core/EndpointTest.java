package dev.workspacesync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {
    @Test
    void composeServiceNamesWithUnderscoresAreHosts() {
        Endpoint e = Endpoint.parse("windmill.base-url", "http://windmill_server:8000");
        assertThat(e.host()).isEqualTo("windmill_server");
        assertThat(e.port()).isEqualTo(8000);
        assertThat(e.authority()).isEqualTo("windmill_server:8000");
        assertThat(e.display()).isEqualTo("http://windmill_server:8000");
    }

    @Test
    void credentialsAreTakenApartAndNeverRendered() {
        Endpoint e = Endpoint.parse("git.remote-url", "https://x-access-token:s3cr%40t@GitHub.com/acme/repo.git");
        assertThat(e.username()).contains("x-access-token");
        assertThat(e.password().orElseThrow().reveal()).isEqualTo("s3cr@t");
        assertThat(e.toString()).isEqualTo("https://github.com/acme/repo.git").doesNotContain("s3cr");
        assertThat(e.withoutUserInfo().hasUserInfo()).isFalse();
        Endpoint tokenOnly = Endpoint.parse("k", "https://TOKEN123@host/repo.git");
        assertThat(tokenOnly.username()).contains("TOKEN123");
        assertThat(tokenOnly.password()).isEmpty();
    }

    @Test
    void sameOriginComparesSchemeHostAndEffectivePort() {
        Endpoint a = Endpoint.parse("k", "https://github.com/acme/a.git");
        assertThat(a.sameOrigin(Endpoint.parse("k", "https://GITHUB.com:443/other/b.git")))
                .isTrue();
        assertThat(a.sameOrigin(Endpoint.parse("k", "http://github.com/acme/a.git")))
                .isFalse();
        assertThat(a.sameOrigin(Endpoint.parse("k", "https://github.com:8443/acme/a.git")))
                .isFalse();
        assertThat(a.sameOrigin(Endpoint.parse("k", "https://github.com.attacker.example/acme/a.git")))
                .isFalse();
        assertThat(a.sameOrigin(Endpoint.parse("k", "https://attacker@github.com@evil.example/x")))
                .isFalse();
    }

    @Test
    void hostPatterns() {
        Endpoint e = Endpoint.parse("k", "https://git.acme.example:8443/x");
        assertThat(e.matchesHostPattern("git.acme.example")).isTrue();
        assertThat(e.matchesHostPattern("GIT.acme.example:8443")).isTrue();
        assertThat(e.matchesHostPattern("git.acme.example:443")).isFalse();
        assertThat(e.matchesHostPattern("*.acme.example")).isTrue();
        assertThat(e.matchesHostPattern("*.example.org")).isFalse();
        assertThat(e.matchesHostPattern("acme.example")).isFalse();
        assertThat(e.matchesHostPattern("")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "  ",
                "github.com/acme",
                "https://",
                "https://ho st/x",
                "https://host:0/x",
                "https://host:99999/x",
                "https://host/pa th",
                "https://h\u0000st/"
            })
    void badUrlsNameTheKey(String url) {
        assertThatThrownBy(() -> Endpoint.parse("git.remote-url", url))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git.remote-url");
    }

    @Test
    void aBadUrlErrorNeverShowsItsPassword() {
        assertThatThrownBy(() -> Endpoint.parse("databricks.host", "https://u:PASSWORD@ho st/"))
                .isInstanceOf(SyncConfigException.class)
                .message()
                .doesNotContain("PASSWORD");
    }

    @Test
    void stripsUserInfoFromFreeText() {
        assertThat(Endpoint.stripUserInfo("push to https://tok:en@github.com/a.git failed; see http://u@h:1/"))
                .isEqualTo("push to https://github.com/a.git failed; see http://h:1/");
        assertThat(Endpoint.stripUserInfo("mail me@example.com")).isEqualTo("mail me@example.com");
        assertThat(Endpoint.stripUserInfo("ssh://git@127.0.0.1:22/r.git and ssh://git:pw@h/r"))
                .isEqualTo("ssh://git@127.0.0.1:22/r.git and ssh://h/r");
        assertThat(Redactor.none().redact("at https://user:pw@host/x")).isEqualTo("at https://host/x");
    }

    static LongStream seeds() {
        return LongStream.of(1, 2, 3, 0x5eedL, 42_4242L);
    }

    /** Random URLs with random credentials: the password never shows in any rendering. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomUrlsNeverRenderTheirCredentials(long seed) {
        System.out.println("EndpointTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        String hostChars = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
        String secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$&'()*+,;=~-._%";
        for (int i = 0; i < 500; i++) {
            StringBuilder host = new StringBuilder("h");
            for (int j = random.nextInt(1, 20); j > 0; j--) {
                host.append(hostChars.charAt(random.nextInt(hostChars.length())));
            }
            StringBuilder secret = new StringBuilder("S");
            for (int j = random.nextInt(8, 40); j > 0; j--) {
                char c = secretChars.charAt(random.nextInt(secretChars.length()));
                secret.append(c == '%' ? "%40" : String.valueOf(c));
            }
            String scheme = random.nextBoolean() ? "https" : "http";
            String port = random.nextBoolean() ? "" : ":" + random.nextInt(1, 65536);
            String url = scheme + "://user:" + secret + "@" + host + port + "/p/" + i + ".git";
            Endpoint e = Endpoint.parse("k", url);
            assertThat(e.host()).isEqualTo(host.toString());
            assertThat(e.password()).isPresent();
            assertThat(e.display()).doesNotContain(secret).doesNotContain("@");
            assertThat(Endpoint.stripUserInfo("x " + url + " y")).doesNotContain(secret);
            assertThat(Redactor.none().redact(url)).doesNotContain(secret);
        }
    }

    @Test
    void deadlines() {
        Deadline d = Deadline.after(Duration.ofMinutes(5));
        assertThat(d.expired()).isFalse();
        assertThat(d.cap(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.remaining()).isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(d.exceededMessage("https://h", "git.deadline"))
                .contains("300 s")
                .contains("git.deadline");
        assertThatThrownBy(() -> Deadline.after(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retriesStopAtTheDeadlineAndAreTold() {
        RetryPolicy policy = new RetryPolicy(50, Duration.ofMillis(20), Duration.ofMillis(40));
        java.util.List<String> told = new java.util.ArrayList<>();
        int[] calls = {0};
        Deadline deadline = Deadline.after(Duration.ofMillis(400));
        assertThatThrownBy(() -> policy.call(
                        () -> {
                            calls[0]++;
                            throw new DestinationException("down", null, true, null);
                        },
                        deadline,
                        (attempt, max, wait, cause) -> told.add(attempt + "/" + max)))
                .isInstanceOf(DestinationException.class)
                .hasMessage("down");
        assertThat(calls[0]).isLessThan(50).isGreaterThan(1);
        assertThat(told).first().isEqualTo("2/50");
        assertThat(deadline.expired()).isTrue();
    }
}
