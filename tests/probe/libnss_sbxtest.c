// libnss_sbxtest.c — an NSS module for the integration tests (suite
// "user"): one user whom /etc/passwd does not list, as LDAP, sssd or
// systemd-homed would provide one. It is loaded only inside a test's own
// user and mount namespaces, whose /etc/nsswitch.conf says
// "passwd: files sbxtest", and only by a process whose LD_LIBRARY_PATH
// finds it. The user: uid $SBX_TEST_NSS_UID, named "nss-only", home
// $SBX_TEST_NSS_HOME; without both variables it knows no one.
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

// Copies `s` into the caller's buffer; NULL when it does not fit.
static char* put(char** buf, size_t* left, const char* s) {
    size_t n = strlen(s) + 1;
    if (n > *left) return NULL;
    char* out = memcpy(*buf, s, n);
    *buf += n;
    *left -= n;
    return out;
}

enum nss_status _nss_sbxtest_getpwuid_r(uid_t uid, struct passwd* pw, char* buf, size_t buflen, int* errnop);

enum nss_status _nss_sbxtest_getpwuid_r(uid_t uid, struct passwd* pw, char* buf, size_t buflen, int* errnop) {
    const char* want = getenv("SBX_TEST_NSS_UID");
    const char* home = getenv("SBX_TEST_NSS_HOME");
    if (!want || !home || *want == '\0' || strtoul(want, NULL, 10) != uid) return NSS_STATUS_NOTFOUND;
    pw->pw_name = put(&buf, &buflen, "nss-only");
    pw->pw_passwd = put(&buf, &buflen, "x");
    pw->pw_gecos = put(&buf, &buflen, "");
    pw->pw_dir = put(&buf, &buflen, home);
    pw->pw_shell = put(&buf, &buflen, "/bin/sh");
    if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell) {
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
    }
    pw->pw_uid = uid;
    pw->pw_gid = uid;
    return NSS_STATUS_SUCCESS;
}
