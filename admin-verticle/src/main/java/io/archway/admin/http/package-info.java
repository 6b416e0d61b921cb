/** JSON answers and error bodies shared by every admin route. */
package io.archway.admin.http;
