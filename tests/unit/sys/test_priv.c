/*
 * test_priv.c - the user and group look-ups of the privilege drop
 * (src/sys/priv.c): the getpw*_r/getgr*_r buffer starts at 1 byte here so
 * every look-up goes through the ERANGE growth; names, bare numbers and
 * unknown names.  Runs as any user (root's entries exist everywhere).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/types.h>

#include "harness.h"
#include "sys/priv.h"

int
main(void)
{
	struct passwd *pw;
	struct group *gr;
	uid_t uid;
	gid_t gid, root_gid;

	pw = getpwuid(0);
	gr = getgrgid(0);
	if (pw == NULL || gr == NULL) {
		printf("SKIP: no passwd/group entry for id 0\n");
		return 77;
	}
	root_gid = pw->pw_gid;

	TEST_START("user by name, buffer grown from 1 byte on ERANGE");
	uid = 1;
	gid = 1;
	ASSERT_INT_EQ(priv_lookup(pw->pw_name, NULL, 1, &uid, &gid), 0);
	ASSERT_INT_EQ(uid, 0);
	ASSERT_INT_EQ(gid, root_gid);
	TEST_DONE();

	TEST_START("user as a bare number with an entry (getpwuid_r grown)");
	uid = 1;
	gid = 1;
	ASSERT_INT_EQ(priv_lookup("0", NULL, 1, &uid, &gid), 0);
	ASSERT_INT_EQ(uid, 0);
	ASSERT_INT_EQ(gid, root_gid);
	TEST_DONE();

	TEST_START("user: default buffer, unknown name, number without entry");
	ASSERT_INT_EQ(priv_lookup(pw->pw_name, NULL, 0, &uid, &gid), 0);
	ASSERT_INT_EQ(uid, 0);
	ASSERT_INT_EQ(priv_lookup("sstpc-no-such-user-x", NULL, 1, &uid,
	    &gid), -ENOENT);
	ASSERT_INT_EQ(priv_lookup("3999999999", NULL, 1, &uid, &gid),
	    -ENOENT);
	ASSERT_INT_EQ(uid, 3999999999u);
	TEST_DONE();

	TEST_START("group by name grown from 1 byte; number; unknown");
	gid = 1;
	ASSERT_INT_EQ(priv_lookup(NULL, gr->gr_name, 1, &uid, &gid), 0);
	ASSERT_INT_EQ(gid, 0);
	ASSERT_INT_EQ(priv_lookup(NULL, "3999999998", 1, &uid, &gid), 0);
	ASSERT_INT_EQ(gid, 3999999998u);
	ASSERT_INT_EQ(priv_lookup(NULL, "sstpc-no-such-group-x", 1, &uid,
	    &gid), -ENOENT);
	TEST_DONE();
	return test_exit();
}
