#ifndef FLUOSYNTH_LINE_BUFFER_H
#define FLUOSYNTH_LINE_BUFFER_H

/// Makes standard output line-buffered even when it is a file or a pipe, so that progress lines
/// and errors (stderr) reach a cluster's log in the order they were written. C, because Swift 6
/// does not let Swift code touch the global `stdout`.
void fluosynth_line_buffer_stdout(void);

#endif
