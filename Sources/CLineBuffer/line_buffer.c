#include "line_buffer.h"
#include <stdio.h>

void fluosynth_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
