package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.examples.internal.CredentialBinding;
import dev.workspacesync.examples.internal.RequestFields;
import dev.workspacesync.examples.internal.RequestRefusedException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code POST /sync} body takes scoped fields like every settings channel, under the same credential rules. */
class ScopedRequestFieldsTest {
    private static final SyncSettings ENV = SyncSettings.of(Map.of(
            "windmill.token", "wm-env-token",
            "git.remote-url", "https://github.com/acme/backup.git",
            "git.token", "git-env-token"));
    private final RequestFields fields = ServeCommand.requestFields(ENV, new CredentialBinding(ENV, List.of()));

    private SyncSettings settings(String json) throws Exception {
        return fields.settings(new ObjectMapper().readTree(json));
    }

    @Test
    void aScopedFieldOfItsSidesProviderIsTheFieldForThatSide() throws Exception {
        SyncSettings settings = settings("{\"source.workspace\": \"staging\", \"destination.git_branch\": \"prod\","
                + " \"git_branch\": \"ignored\"}");
        assertThat(settings.forSource().get("windmill.workspace")).contains("staging");
        assertThat(settings.forDestination().get("git.branch")).contains("prod");
        // Folded into the plain keys the credential rules and the target name read.
        assertThat(ServeCommand.targetName(settings)).startsWith("staging @ ").endsWith("#prod");
    }

    @Test
    void aScopedFieldIsCheckedAsItsFieldIs() {
        assertThatThrownBy(() -> settings("{\"destination.git_branch\": \"-f\"}"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("git_branch '-f' starts with '-'");
        assertThatThrownBy(() -> settings("{\"source.workspace\": 3}"))
                .hasMessage("Field 'source.workspace' must be a string, not a number");
    }

    @Test
    void aScopedFieldOfTheOtherSideIsRefusedNamingTheSide() {
        assertThatThrownBy(() -> settings("{\"source.git_token\": \"mine\"}"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessage("Field 'source.git_token' is scoped to the source, whose provider does not take"
                        + " 'git_token'; did you mean 'destination.git_token'?");
        assertThatThrownBy(() -> settings("{\"slack\": \"x\"}"))
                .hasMessageContaining("(each also as source.<field> or destination.<field> for its side)")
                .hasMessageNotContaining("destination.git_token");
    }

    @Test
    void scopedFieldsCannotLendTheServicesCredentials() {
        // The workspace would be read with the service's token and written to a caller's remote.
        assertThatThrownBy(() -> settings("{\"destination.git_remote_url\": \"https://evil.example/x.git\","
                        + " \"destination.git_token\": \"caller-token\"}"))
                .isInstanceOf(RequestRefusedException.class);
        // A scoped environment value is the service's own credential as well.
        SyncSettings env = ServeCommand.folded(SyncSettings.of(Map.of(
                "source.windmill.token", "wm-scoped-env-token",
                "destination.git.remote-url", "https://github.com/acme/backup.git",
                "git.token", "git-env-token")));
        assertThat(env.get("windmill.token")).contains("wm-scoped-env-token");
        assertThat(env.get("git.remote-url")).contains("https://github.com/acme/backup.git");
        RequestFields scopedEnv = ServeCommand.requestFields(env, new CredentialBinding(env, List.of()));
        assertThatThrownBy(() -> scopedEnv.settings(new ObjectMapper()
                        .readTree("{\"git_remote_url\": \"https://evil.example/x.git\", \"git_token\": \"t\"}")))
                .isInstanceOf(RequestRefusedException.class);
    }
}
