/** Settings by environment-variable name: each declared once with its type, default and description. */
package io.lambdascope.settings;
