/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtep-ctl: the hardware_vtep database configuration tool, drop-in
 * compatible with Open vSwitch's.
 */
#include "vtep_ctl.h"

int
main(int argc, char **argv)
{
	return dbctl_main(&vtep_ctl_tool, argc, argv);
}
